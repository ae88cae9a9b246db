package dev.provisioning.common;

/**
 * The text rules of the {@link UserConfirmed} contract, shared by its producer and its decoder so that whatever is
 * produced is accepted: lengths are counted in Unicode code points (as Cognito counts attribute lengths, not in
 * UTF-16 units), and only characters that SQS accepts in a message body travel.
 *
 * <p>SQS accepts {@code #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF} and refuses a whole
 * SendMessage that holds anything else (U+FFFE, U+FFFF, an unpaired surrogate, most C0 controls). Our JSON writer
 * escapes C0 controls, so the body would still be valid, but the producer removes them anyway: the rule is one set,
 * the same for every field, not a property of today's writer.
 */
public final class MessageText {

    /** Cognito caps a string attribute at 2048 characters; the contract caps every text field there. */
    public static final int MAX_TEXT_CODE_POINTS = 2048;

    /** RFC 5321: a forward path is at most 256 octets with its angle brackets, so an address at most 254. */
    public static final int MAX_EMAIL_CODE_POINTS = 254;

    /** {@code userPoolId#sub}, each at its maximum. */
    public static final int MAX_IDEMPOTENCY_KEY_CODE_POINTS = 2 * MAX_TEXT_CODE_POINTS + 1;

    /** SQS's documented maximum message size (body and attributes), 256 KiB. */
    public static final int SQS_MAX_MESSAGE_BYTES = 262_144;

    /**
     * The most a body may take: SQS's limit less a margin for the message attributes (name, type and value count
     * towards the size; ours are a few dozen bytes).
     */
    public static final int MAX_BODY_BYTES = SQS_MAX_MESSAGE_BYTES - 1024;

    private MessageText() {}

    /** Whether SQS accepts this code point in a message body. */
    public static boolean isSqsCharacter(int codePoint) {
        return codePoint == 0x9
                || codePoint == 0xA
                || codePoint == 0xD
                || (codePoint >= 0x20 && codePoint <= 0xD7FF)
                || (codePoint >= 0xE000 && codePoint <= 0xFFFD)
                || (codePoint >= 0x10000 && codePoint <= 0x10FFFF);
    }

    /** Whether every code point of {@code text} is one SQS accepts; {@code null} is. */
    public static boolean isSqsText(String text) {
        return text == null || text.codePoints().allMatch(MessageText::isSqsCharacter);
    }

    /** The length in code points (an unpaired surrogate counts as one). */
    public static int codePoints(String text) {
        return text.codePointCount(0, text.length());
    }

    /**
     * The text with what a message field may not hold removed: characters outside SQS's set and C0 controls other
     * than tab, line feed and carriage return; then cut to {@code maxCodePoints} whole code points. {@code null}
     * stays {@code null}.
     */
    public static String clean(String text, int maxCodePoints) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxCodePoints));
        int kept = 0;
        for (int i = 0; i < text.length() && kept < maxCodePoints; ) {
            int codePoint = text.codePointAt(i);
            i += Character.charCount(codePoint);
            if (isSqsCharacter(codePoint)) {
                out.appendCodePoint(codePoint);
                kept++;
            }
        }
        return out.toString();
    }
}
