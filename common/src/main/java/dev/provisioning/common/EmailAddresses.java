package dev.provisioning.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Email address checks and the redaction used wherever an address would otherwise reach a log:
 * logs carry {@link #fingerprint(String)}, never the address.
 */
public final class EmailAddresses {

    private EmailAddresses() {}

    /**
     * The text with every address replaced by {@code <redacted-email>}: for service messages and log lines, which
     * must never carry one. It replaces each run of characters that an address may hold (see {@link
     * #isPlausible}: no whitespace, control character, {@code <}, {@code >} or {@code ,}) that contains an {@code @}
     * or its URL encoding {@code %40}. An address that {@link #isPlausible} accepts lies inside one such run, so no
     * part of it survives, whatever it holds (quoted local parts, comments, domain literals); over-redacting a
     * neighbouring word or query string is the lesser harm.
     */
    public static String redact(String text) {
        if (text == null || text.indexOf('@') < 0 && !text.contains("%40")) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            if (isSeparator(text.charAt(i))) {
                out.append(text.charAt(i++));
                continue;
            }
            int end = i;
            while (end < text.length() && !isSeparator(text.charAt(end))) {
                end++;
            }
            String run = text.substring(i, end);
            out.append(run.indexOf('@') >= 0 || run.contains("%40") ? "<redacted-email>" : run);
            i = end;
        }
        return out.toString();
    }

    /** A character no address we accept holds: where {@link #redact} ends a run. */
    private static boolean isSeparator(char c) {
        return Character.isWhitespace(c) || Character.isISOControl(c) || c == '<' || c == '>' || c == ',';
    }

    /**
     * A deliberately modest syntax check: one {@code @}, a non-empty local part, a dotted domain,
     * no whitespace or control characters. SES is the authority on deliverability; this only keeps
     * obvious garbage (and header injection) away from it.
     */
    public static boolean isPlausible(String address) {
        if (address == null || MessageText.codePoints(address) > MessageText.MAX_EMAIL_CODE_POINTS) {
            return false;
        }
        int at = address.indexOf('@');
        if (at <= 0 || at != address.lastIndexOf('@') || at == address.length() - 1) {
            return false;
        }
        for (int i = 0; i < address.length(); i++) {
            if (isSeparator(address.charAt(i))) {
                return false;
            }
        }
        String domain = address.substring(at + 1);
        return domain.indexOf('.') > 0 && !domain.endsWith(".") && !domain.contains("..");
    }

    /**
     * The address with its domain in ASCII (IDNA punycode), as SES requires: {@code
     * zoë@exämple.com} becomes {@code zoë@xn--exmple-cua.com}. The local part is left alone; SES
     * rejects non-ASCII local parts, which the provisioner then dead-letters with SES's reason.
     */
    public static String withAsciiDomain(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return address;
        }
        try {
            return address.substring(0, at + 1) + java.net.IDN.toASCII(address.substring(at + 1));
        } catch (IllegalArgumentException e) {
            return address;
        }
    }

    /**
     * The SES identities that may verify {@code address}: the address, its domain and each parent
     * domain of two or more labels ({@code a@mail.example.com}: the address, {@code mail.example.com},
     * {@code example.com}). A public suffix such as {@code co.uk} may be listed too; nobody can verify
     * it, so it grants nothing. Infra grants sending from each; doctor looks for the verified one.
     */
    public static List<String> senderIdentities(String address) {
        List<String> identities = new ArrayList<>();
        identities.add(address);
        String domain = address.substring(address.lastIndexOf('@') + 1);
        while (domain.indexOf('.') > 0) {
            identities.add(domain);
            domain = domain.substring(domain.indexOf('.') + 1);
        }
        return List.copyOf(identities);
    }

    /** A short, stable, non-reversible tag for an address, to correlate log lines without PII. */
    public static String fingerprint(String address) {
        if (address == null) {
            return "none";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(address.trim().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
