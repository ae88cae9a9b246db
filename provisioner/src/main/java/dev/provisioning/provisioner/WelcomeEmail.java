package dev.provisioning.provisioner;

/**
 * The welcome email's content. The user's name is free text chosen by the user, so it is
 * HTML-escaped in the HTML part and stripped of control characters (CR/LF included) wherever it
 * reaches a header; the subject is capped to a length mail clients show.
 *
 * @param subject a single-line subject
 * @param html the HTML part
 * @param text the plain-text part
 */
record WelcomeEmail(String subject, String html, String text) {

    static final int MAX_SUBJECT_NAME = 64;

    static WelcomeEmail forName(String name) {
        String clean = singleLine(name == null ? "" : name).strip();
        String greetingName = clean.isEmpty() ? "there" : clean;
        String subjectName = greetingName.length() > MAX_SUBJECT_NAME
                ? greetingName.substring(0, MAX_SUBJECT_NAME) + "…"
                : greetingName;
        String subject = clean.isEmpty() ? "Welcome aboard!" : "Welcome aboard, " + subjectName + "!";
        String html = "<!DOCTYPE html><html><body><h1>Welcome, " + escapeHtml(greetingName) + "!</h1>"
                + "<p>Your account is ready. You can sign in now.</p></body></html>";
        String text = "Welcome, " + greetingName + "!\n\nYour account is ready. You can sign in now.\n";
        return new WelcomeEmail(subject, html, text);
    }

    /** Replaces every control character (CR, LF, TAB, NUL, ...) with a space. */
    static String singleLine(String value) {
        StringBuilder out = new StringBuilder(value.length());
        value.codePoints().forEach(cp -> out.appendCodePoint(Character.isISOControl(cp) ? ' ' : cp));
        return out.toString();
    }

    static String escapeHtml(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
