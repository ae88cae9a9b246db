package dev.provisioning.ops.doctor;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One IAM condition on a key, e.g. {@code ArnLike aws:SourceArn [v1, v2]}: it holds when any value matches
 * (none, for a negated operator).
 *
 * @param operator the operator without {@code ForAnyValue:}/{@code ForAllValues:} and {@code IfExists}
 */
record IamCondition(String operator, List<String> values) {

    private static final List<String> SUPPORTED = List.of(
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase",
            "StringLike",
            "StringNotLike",
            "ArnEquals",
            "ArnNotEquals",
            "ArnLike",
            "ArnNotLike",
            "Null");

    /** The condition, or empty when doctor does not know how the operator behaves. */
    static Optional<IamCondition> of(String rawOperator, List<String> values) {
        String operator = rawOperator.replaceFirst("^For(Any|All)Values:", "").replaceFirst("IfExists$", "");
        return SUPPORTED.contains(operator) ? Optional.of(new IamCondition(operator, values)) : Optional.empty();
    }

    boolean holds(String actual) {
        if (operator.equals("Null")) {
            // Cognito always sends aws:SourceArn and aws:SourceAccount: "Null": "false" (present) holds.
            return values.stream().allMatch(v -> v.equalsIgnoreCase("false"));
        }
        boolean negated = operator.contains("Not");
        boolean anyMatches = values.stream().anyMatch(value -> matches(value, actual));
        return negated != anyMatches;
    }

    private boolean matches(String value, String actual) {
        String base = operator.replace("Not", "");
        return switch (base) {
            case "StringEquals" -> value.equals(actual);
            case "StringEqualsIgnoreCase" -> value.equalsIgnoreCase(actual);
            case "StringLike" -> glob(value).matcher(actual).matches();
            // ArnEquals and ArnLike behave alike in IAM: wildcards per colon-separated component.
            case "ArnEquals", "ArnLike" -> arnLike(value, actual);
            default -> false;
        };
    }

    static boolean arnLike(String pattern, String arn) {
        String[] patternParts = pattern.split(":", 6);
        String[] arnParts = arn.split(":", 6);
        if (patternParts.length != 6 || arnParts.length != 6) {
            return false;
        }
        for (int i = 0; i < 6; i++) {
            if (!glob(patternParts[i]).matcher(arnParts[i]).matches()) {
                return false;
            }
        }
        return true;
    }

    /** IAM's wildcards: {@code *} any run of characters, {@code ?} one character, everything else literal. */
    static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    @Override
    public String toString() {
        return operator + " " + (values.size() == 1 ? values.get(0) : values.toString());
    }
}
