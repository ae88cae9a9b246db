package dev.provisioning.email;

/**
 * One rendered welcome email, ready for SES: a single-line subject and the two body parts.
 *
 * @param locale the locale whose templates rendered it (after fallback), e.g. {@code de}
 * @param subject one line, no control characters
 * @param html the HTML part; every value from the user or configuration is HTML-escaped
 * @param text the plain-text part
 */
public record WelcomeEmail(String locale, String subject, String html, String text) {}
