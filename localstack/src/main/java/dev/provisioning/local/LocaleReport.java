package dev.provisioning.local;

import dev.provisioning.common.EmailAddresses;
import dev.provisioning.email.Brand;
import dev.provisioning.email.WelcomeEmailTemplates;
import dev.provisioning.local.aws.MotoServer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whether each user's welcome email, as moto received it, is in the user's language: the subject SES was given is
 * compared with the one the templates render for the user's name and Cognito {@code locale} (the provisioner and
 * the harness share the templates and the brand, none). Emails by resolved locale and mismatches go on the
 * summary line ({@code emails_by_locale=de:12,en:25 wrong_locale=0}).
 */
final class LocaleReport {

    /** A confirmed user as the report needs them. */
    record User(String email, String name, String locale) {}

    private LocaleReport() {}

    static String figures(List<User> users, List<MotoServer.SentEmail> sent) {
        WelcomeEmailTemplates templates = WelcomeEmailTemplates.load(Brand.none(), "en");
        Map<String, List<String>> subjectsByRecipient = new HashMap<>();
        for (MotoServer.SentEmail email : sent) {
            for (String to : email.to()) {
                subjectsByRecipient
                        .computeIfAbsent(to.toLowerCase(Locale.ROOT), k -> new java.util.ArrayList<>())
                        .add(email.subject());
            }
        }
        Map<String, Integer> byLocale = new TreeMap<>();
        int wrong = 0;
        for (User user : users) {
            if (user.email() == null) {
                continue;
            }
            List<String> subjects = subjectsByRecipient.getOrDefault(
                    EmailAddresses.withAsciiDomain(user.email()).toLowerCase(Locale.ROOT), List.of());
            if (subjects.isEmpty()) {
                continue;
            }
            var expected = templates.render(user.name(), user.locale());
            if (subjects.stream().allMatch(expected.subject()::equals)) {
                byLocale.merge(expected.locale(), 1, Integer::sum);
            } else {
                wrong++;
            }
        }
        StringBuilder locales = new StringBuilder();
        byLocale.forEach((locale, count) -> locales.append(locales.isEmpty() ? "" : ",")
                .append(locale)
                .append(':')
                .append(count));
        return " emails_by_locale=" + (locales.isEmpty() ? "none" : locales) + " wrong_locale=" + wrong;
    }
}
