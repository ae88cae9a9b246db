package dev.provisioning.ops.doctor;

import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A function by name, partial ARN ({@code account:function:name}) or ARN, with the alias or version it
 * may carry; {@code $LATEST} is kept as no qualifier, which is what it means.
 *
 * @param arn whether {@code unqualified} is a full ARN (so region and account can be compared)
 */
record FunctionRef(String name, String unqualified, String qualifier, boolean arn) {

    private static final Pattern PARTIAL_ARN = Pattern.compile("\\d{12}:function:[^:]+(:[^:]+)?");

    static FunctionRef parse(String value) {
        if (value.startsWith("arn:")) {
            // arn:partition:lambda:region:account:function:name[:qualifier]
            String[] parts = value.split(":");
            String name = parts.length > 6 ? parts[6] : value;
            String qualifier = parts.length > 7 ? parts[7] : null;
            String unqualified = String.join(":", Arrays.copyOf(parts, Math.min(parts.length, 7)));
            return new FunctionRef(name, unqualified, normalize(qualifier), true);
        }
        if (PARTIAL_ARN.matcher(value).matches()) {
            String[] parts = value.split(":");
            String qualifier = parts.length > 3 ? parts[3] : null;
            return new FunctionRef(
                    parts[2], String.join(":", parts[0], parts[1], parts[2]), normalize(qualifier), false);
        }
        int colon = value.indexOf(':');
        return colon < 0
                ? new FunctionRef(value, value, null, false)
                : new FunctionRef(
                        value.substring(0, colon),
                        value.substring(0, colon),
                        normalize(value.substring(colon + 1)),
                        false);
    }

    private static String normalize(String qualifier) {
        return qualifier == null || qualifier.isEmpty() || qualifier.equals("$LATEST") ? null : qualifier;
    }

    /** The same function, whatever the qualifiers: same name, and the same ARN when both are ARNs. */
    boolean sameFunctionAnyQualifier(FunctionRef other) {
        return name.equals(other.name) && (!arn || !other.arn || unqualified.equals(other.unqualified));
    }

    String qualifierOption() {
        return qualifier == null ? "" : " --qualifier " + qualifier;
    }

    @Override
    public String toString() {
        return qualifier == null ? unqualified : unqualified + ":" + qualifier;
    }

    /** The account id in an ARN ({@code arn:partition:service:region:account:...}). */
    static String accountOf(String arn) {
        String[] parts = arn.split(":", 6);
        return parts.length > 4 ? parts[4] : "";
    }

    /**
     * Whether two names, ARNs or qualified ARNs name the same function and the same qualifier: no qualifier
     * and {@code $LATEST} are the same thing, an alias or version is not. Two full ARNs must also agree on
     * partition, region and account.
     */
    static boolean sameFunction(String a, String b) {
        FunctionRef left = parse(a);
        FunctionRef right = parse(b);
        return left.sameFunctionAnyQualifier(right) && Objects.equals(left.qualifier(), right.qualifier());
    }
}
