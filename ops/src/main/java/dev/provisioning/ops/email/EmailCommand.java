package dev.provisioning.ops.email;

import dev.provisioning.common.FunctionEnvironment;
import dev.provisioning.email.Brand;
import dev.provisioning.email.InvalidTemplateException;
import dev.provisioning.email.WelcomeEmail;
import dev.provisioning.email.WelcomeEmailTemplates;
import dev.provisioning.ops.cli.CommandContext;
import dev.provisioning.ops.cli.ExitCodes;
import dev.provisioning.ops.cli.Offline;
import dev.provisioning.ops.cli.OpsCommand;
import dev.provisioning.ops.cli.VersionProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code email}: the welcome email's tools; {@code email preview} renders it as a user would get it. */
@Command(
        name = "email",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "The welcome email: preview it from the templates the provisioner sends.")
public final class EmailCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /** The {@code email} command with its subcommands. */
    public static CommandLine commandLine(CommandContext context) {
        return new CommandLine(new EmailCommand()).addSubcommand(new PreviewCommand(context));
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "say preview");
    }

    /**
     * {@code email preview}: the subject, HTML and text parts of one user's welcome email, rendered by the
     * provisioner's own renderer from the same templates, so what it shows is what SES is asked to send.
     */
    @Command(
            name = "preview",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description = {
                "Render the welcome email (subject, HTML, text) as a user would get it, from the templates",
                "the provisioner sends; --out writes the HTML part to a file to open in a browser.",
                "Product name and links default to the provisioner's variables (WELCOME_EMAIL_*)."
            })
    static final class PreviewCommand extends OpsCommand implements Offline {

        @Option(
                names = "--locale",
                paramLabel = "L",
                description = "the user's Cognito locale, e.g. de-AT (falls back by language, then to the default)")
        private String locale;

        @Option(names = "--name", paramLabel = "N", description = "the user's name (default: ${DEFAULT-VALUE})")
        private String name = "Ann";

        @Option(names = "--out", paramLabel = "FILE", description = "also write the HTML part to FILE")
        private Path out;

        @Option(
                names = "--product-name",
                paramLabel = "TEXT",
                description = "product name (WELCOME_EMAIL_PRODUCT_NAME)")
        private String productName;

        @Option(names = "--sign-in-url", paramLabel = "URL", description = "sign-in link (WELCOME_EMAIL_SIGN_IN_URL)")
        private String signInUrl;

        @Option(names = "--support-url", paramLabel = "URL", description = "help link (WELCOME_EMAIL_SUPPORT_URL)")
        private String supportUrl;

        @Option(
                names = "--default-locale",
                paramLabel = "L",
                description = "the locale users without templates of their own get (WELCOME_EMAIL_DEFAULT_LOCALE,"
                        + " else en)")
        private String defaultLocale;

        PreviewCommand(CommandContext context) {
            super(context);
        }

        @Override
        public Integer call() {
            Brand brand = new Brand(
                    orEnvironment(productName, FunctionEnvironment.WELCOME_EMAIL_PRODUCT_NAME)
                            .orElse(""),
                    orEnvironment(signInUrl, FunctionEnvironment.WELCOME_EMAIL_SIGN_IN_URL)
                            .orElse(""),
                    orEnvironment(supportUrl, FunctionEnvironment.WELCOME_EMAIL_SUPPORT_URL)
                            .orElse(""));
            String fallback = orEnvironment(defaultLocale, FunctionEnvironment.WELCOME_EMAIL_DEFAULT_LOCALE)
                    .orElse("en");
            WelcomeEmailTemplates templates;
            try {
                templates = WelcomeEmailTemplates.load(brand, fallback);
            } catch (InvalidTemplateException e) {
                err().println("email preview: the templates cannot be used: " + e.getMessage());
                return ExitCodes.PROBLEM;
            }
            WelcomeEmail email = templates.render(name, locale);
            out().println("locale: " + email.locale()
                    + (locale == null
                            ? " (the default)"
                            : " (for " + locale + "; locales: " + String.join(", ", templates.locales()) + ")"));
            out().println("subject: " + email.subject());
            out().println("--- html ---");
            out().print(email.html());
            out().println("--- text ---");
            out().print(email.text());
            if (out != null) {
                try {
                    Files.writeString(out, email.html(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    err().println("email preview: could not write " + out + ": " + e.getMessage());
                    return ExitCodes.FAILED;
                }
                err().println("wrote the HTML part to " + out.toAbsolutePath() + " (open it in a browser)");
            }
            return ExitCodes.OK;
        }
    }
}
