package dev.provisioning.local;

import java.util.Locale;

/**
 * The users a local run signs up, by number: the same addresses, names and locales whether they confirm through
 * cognito-local ({@link PipelineDriver}) or as events on the Invoke API ({@link InvokeApiSignUps}).
 */
final class SampleUsers {

    private SampleUsers() {}

    /** Test addresses on reserved example domains; one in seven has an internationalised domain. */
    static String email(int i) {
        return String.format(Locale.ROOT, i % 7 == 0 ? "user%05d@exämple.com" : "user%05d@example.com", i);
    }

    /**
     * Cognito's {@code locale} attribute: German, Austrian German (falls back to German), French (no templates: the
     * default), and none (the default).
     */
    static String locale(int i) {
        return switch (i % 4) {
            case 0 -> "de";
            case 1 -> "de-AT";
            case 2 -> "fr-FR";
            default -> null;
        };
    }

    /** Names a real sign-up form receives, hostile ones included. */
    static String displayName(int i) {
        return switch (i % 5) {
            case 0 -> "<b>O'Brien & \"Sons\"</b> " + i;
            case 1 -> "Zoë Ørsted " + i;
            case 2 -> "Ada Lovelace " + i;
            case 3 -> "李小龍 " + i;
            default -> "";
        };
    }
}
