package dev.provisioning.email;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The welcome email's templates, one folder per locale under {@value #ROOT} on the classpath ({@code
 * subject.mustache}, {@code html.mustache}, {@code text.mustache}), listed in {@value #ROOT}/{@value #LOCALES_FILE}.
 * Loaded and checked once (every locale parses, uses only {@link #VARIABLES}, and renders), then rendered per user;
 * immutable and thread-safe. The provisioner sends what {@link #render} returns, and {@code ./pipeline email
 * preview} prints it, so the preview is the production path.
 *
 * <p>The user's name is free text: the HTML part escapes it (JMustache's HTML escaping, the default for that
 * part), and every part gets it with control characters replaced by spaces, so it cannot add a header line to the
 * subject or a line to the text part; in the subject it is also cut to {@value #MAX_SUBJECT_NAME} characters.
 */
public final class WelcomeEmailTemplates {

    /** The classpath folder of the templates. */
    public static final String ROOT = "welcome-email";

    /** The file in {@link #ROOT} that lists the locale folders, one tag a line ({@code #} starts a comment). */
    public static final String LOCALES_FILE = "locales";

    /** The files of one locale. */
    public static final List<String> FILES = List.of("subject.mustache", "html.mustache", "text.mustache");

    /** Every variable a template may use (as {@code {{x}}} or as a section): what {@link #render} provides. */
    public static final Set<String> VARIABLES = Set.of("name", "productName", "signInUrl", "supportUrl");

    /** How much of the name reaches the subject; mail clients show about this much of a subject line. */
    public static final int MAX_SUBJECT_NAME = 64;

    private static final Mustache.Compiler HTML =
            Mustache.compiler().escapeHTML(true).emptyStringIsFalse(true);
    private static final Mustache.Compiler PLAIN =
            Mustache.compiler().escapeHTML(false).emptyStringIsFalse(true);

    private record LocaleTemplates(Template subject, Template html, Template text) {}

    private final Map<String, LocaleTemplates> byLocale;
    private final String defaultLocale;
    private final Brand brand;

    private WelcomeEmailTemplates(Map<String, LocaleTemplates> byLocale, String defaultLocale, Brand brand) {
        this.byLocale = byLocale;
        this.defaultLocale = defaultLocale;
        this.brand = brand;
    }

    /**
     * Loads and checks every locale's templates from this module's classpath folder.
     *
     * @param brand the product name and links every email shows
     * @param defaultLocale the locale of users whose own locale has no templates, e.g. {@code en}
     * @throws InvalidTemplateException naming the file and what is wrong with it
     */
    public static WelcomeEmailTemplates load(Brand brand, String defaultLocale) {
        return load(WelcomeEmailTemplates.class.getClassLoader(), ROOT, brand, defaultLocale);
    }

    static WelcomeEmailTemplates load(ClassLoader loader, String root, Brand brand, String defaultLocale) {
        Map<String, LocaleTemplates> byLocale = new LinkedHashMap<>();
        for (String locale : localeList(loader, root)) {
            LocaleTemplates templates = new LocaleTemplates(
                    compile(loader, root, locale, FILES.get(0), PLAIN),
                    compile(loader, root, locale, FILES.get(1), HTML),
                    compile(loader, root, locale, FILES.get(2), PLAIN));
            byLocale.put(locale, templates);
        }
        String normalisedDefault = normalise(defaultLocale);
        if (!byLocale.containsKey(normalisedDefault)) {
            throw new InvalidTemplateException("The default locale '" + defaultLocale + "' has no templates (" + root
                    + " has " + String.join(", ", byLocale.keySet()) + ")");
        }
        WelcomeEmailTemplates templates =
                new WelcomeEmailTemplates(Collections.unmodifiableMap(byLocale), normalisedDefault, brand);
        for (String locale : byLocale.keySet()) {
            templates.checkRenders(root, locale);
        }
        return templates;
    }

    /** The locales that have templates, as listed. */
    public Set<String> locales() {
        return byLocale.keySet();
    }

    /** The locale of users whose own has no templates. */
    public String defaultLocale() {
        return defaultLocale;
    }

    /**
     * The locale whose templates a user with {@code requested} (Cognito's {@code locale} attribute, a BCP 47 tag or
     * {@code null}) gets: the tag itself, else the tag without its last subtag, repeatedly ({@code de-AT} → {@code
     * de}), else the default. Case and {@code _} versus {@code -} do not matter.
     */
    public String resolve(String requested) {
        String tag = normalise(requested);
        while (!tag.isEmpty()) {
            if (byLocale.containsKey(tag)) {
                return tag;
            }
            int dash = tag.lastIndexOf('-');
            tag = dash < 0 ? "" : tag.substring(0, dash);
        }
        return defaultLocale;
    }

    /**
     * The email for a user.
     *
     * @param name the user's display name as the message carries it; may be empty or {@code null}
     * @param requestedLocale the user's locale, see {@link #resolve}
     */
    public WelcomeEmail render(String name, String requestedLocale) {
        String locale = resolve(requestedLocale);
        LocaleTemplates templates = byLocale.get(locale);
        String clean = singleLine(name == null ? "" : name).strip();
        String subjectName = clean.codePointCount(0, clean.length()) > MAX_SUBJECT_NAME
                ? clean.substring(0, clean.offsetByCodePoints(0, MAX_SUBJECT_NAME)) + "…"
                : clean;
        String subject =
                singleLine(templates.subject().execute(data(subjectName))).strip();
        Map<String, String> data = data(clean);
        return new WelcomeEmail(
                locale,
                subject,
                templates.html().execute(data),
                templates.text().execute(data));
    }

    private Map<String, String> data(String name) {
        return Map.of(
                "name", name,
                "productName", singleLine(brand.productName()),
                "signInUrl", brand.signInUrl(),
                "supportUrl", brand.supportUrl());
    }

    /** Replaces every control character (CR, LF, TAB, NUL, ...) and Unicode line separator with a space. */
    public static String singleLine(String value) {
        StringBuilder out = new StringBuilder(value.length());
        value.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            boolean breaks = Character.isISOControl(cp)
                    || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR;
            out.appendCodePoint(breaks ? ' ' : cp);
        });
        return out.toString();
    }

    /** A locale tag as the folders are named: lower case, {@code -} between subtags. */
    static String normalise(String tag) {
        return tag == null ? "" : tag.strip().replace('_', '-').toLowerCase(Locale.ROOT);
    }

    /** Renders a locale with and without a name, so a template that cannot render fails at load, not per user. */
    private void checkRenders(String root, String locale) {
        for (String name : List.of("", "Ann")) {
            WelcomeEmail email;
            try {
                email = render(name, locale);
            } catch (MustacheException e) {
                throw new InvalidTemplateException(root + "/" + locale + ": does not render: " + e.getMessage(), e);
            }
            if (email.subject().isBlank()) {
                throw new InvalidTemplateException(root + "/" + locale + "/" + FILES.get(0) + ": renders empty");
            }
        }
    }

    private static List<String> localeList(ClassLoader loader, String root) {
        String path = root + "/" + LOCALES_FILE;
        Set<String> locales = new LinkedHashSet<>();
        for (String line : read(loader, path).split("\n", -1)) {
            String tag = line.strip();
            if (tag.isEmpty() || tag.startsWith("#")) {
                continue;
            }
            if (!tag.equals(normalise(tag)) || !tag.matches("[a-z]{2,8}(-[a-z0-9]{1,8})*")) {
                throw new InvalidTemplateException(path + ": '" + tag
                        + "' is not a locale folder name (a lower-case BCP 47 tag such as de or pt-br)");
            }
            if (!locales.add(tag)) {
                throw new InvalidTemplateException(path + ": " + tag + " is listed twice");
            }
        }
        if (locales.isEmpty()) {
            throw new InvalidTemplateException(path + ": lists no locale");
        }
        return new ArrayList<>(locales);
    }

    private static Template compile(
            ClassLoader loader, String root, String locale, String file, Mustache.Compiler compiler) {
        String path = root + "/" + locale + "/" + file;
        Template template;
        try {
            template = compiler.compile(read(loader, path));
        } catch (MustacheException e) {
            throw new InvalidTemplateException(path + ": does not parse: " + e.getMessage(), e);
        }
        List<String> problems = new ArrayList<>();
        template.visit(new Mustache.Visitor() {
            @Override
            public void visitText(String text) {}

            @Override
            public void visitVariable(String name) {
                check(name);
            }

            @Override
            public boolean visitInclude(String name) {
                problems.add("{{>" + name + "}} (partials are not supported: one file is one part)");
                return false;
            }

            @Override
            public boolean visitParent(String name) {
                problems.add("{{<" + name + "}} (template inheritance is not supported)");
                return false;
            }

            @Override
            public boolean visitBlock(String name) {
                problems.add("{{$" + name + "}} (blocks are not supported)");
                return false;
            }

            @Override
            public boolean visitSection(String name) {
                check(name);
                return true;
            }

            @Override
            public boolean visitInvertedSection(String name) {
                check(name);
                return true;
            }

            private void check(String name) {
                if (!VARIABLES.contains(name)) {
                    problems.add("{{" + name + "}}");
                }
            }
        });
        if (!problems.isEmpty()) {
            throw new InvalidTemplateException(path + ": uses " + String.join(", ", problems) + "; the variables are "
                    + String.join(", ", VARIABLES.stream().sorted().toList()));
        }
        return template;
    }

    private static String read(ClassLoader loader, String path) {
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                throw new InvalidTemplateException(path + ": missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + path, e);
        }
    }
}
