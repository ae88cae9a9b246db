package dev.provisioning.common;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * What Cognito may send, as jqwik generators: the one definition the contract's properties share (the trigger's,
 * reconcile's and the codec's). Text covers every Unicode plane with weight on what breaks things: C0 and C1
 * controls, bidi controls, noncharacters (U+FFFE, U+FFFF, U+1FFFF, ...), supplementary characters (emoji), and, in
 * Java strings only, unpaired surrogates; lengths reach Cognito's 2048-character maximum.
 */
public final class CognitoArbitraries {

    private CognitoArbitraries() {}

    /** Attribute names Cognito defines, plus custom and developer ones. */
    public static final List<String> STANDARD_ATTRIBUTES = List.of(
            "sub",
            "email",
            "email_verified",
            "name",
            "given_name",
            "family_name",
            "middle_name",
            "nickname",
            "preferred_username",
            "phone_number",
            "phone_number_verified",
            "locale",
            "zoneinfo",
            "address",
            "identities",
            "cognito:user_status",
            "cognito:email_alias",
            "custom:tenant",
            "dev:custom:flag");

    /** One code point: anywhere in Unicode, weighted towards the troublesome ranges. */
    public static Arbitrary<Integer> codePoints(boolean withUnpairedSurrogates) {
        Arbitrary<Integer> surrogates =
                withUnpairedSurrogates ? Arbitraries.integers().between(0xD800, 0xDFFF) : ascii();
        return Arbitraries.frequencyOf(
                Tuple.of(30, ascii()),
                Tuple.of(10, Arbitraries.integers().between(0x0, 0x1F)),
                Tuple.of(5, Arbitraries.integers().between(0x7F, 0x9F)),
                Tuple.of(
                        5,
                        Arbitraries.of(
                                0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
                                0xFEFF, 0x00AD)),
                Tuple.of(10, Arbitraries.of(0xFFFE, 0xFFFF, 0xFDD0, 0xFDEF, 0x1FFFE, 0x1FFFF, 0x10FFFE, 0x10FFFF)),
                Tuple.of(15, Arbitraries.integers().between(0xA0, 0xD7FF)),
                Tuple.of(5, Arbitraries.integers().between(0xE000, 0xFFFF)),
                Tuple.of(15, Arbitraries.integers().between(0x10000, 0x10FFFF)),
                Tuple.of(5, surrogates));
    }

    private static Arbitrary<Integer> ascii() {
        return Arbitraries.integers().between(0x20, 0x7E);
    }

    /** Text of up to {@code maxCodePoints} code points, the maximum itself included among the edge cases. */
    public static Arbitrary<String> text(int maxCodePoints, boolean withUnpairedSurrogates) {
        Arbitrary<List<Integer>> short_ =
                codePoints(withUnpairedSurrogates).list().ofMaxSize(Math.min(40, maxCodePoints));
        Arbitrary<List<Integer>> full =
                codePoints(withUnpairedSurrogates).list().ofSize(maxCodePoints);
        Arbitrary<List<Integer>> any = codePoints(withUnpairedSurrogates).list().ofMaxSize(maxCodePoints);
        return Arbitraries.frequencyOf(Tuple.of(6, short_), Tuple.of(2, any), Tuple.of(2, full))
                .map(CognitoArbitraries::string);
    }

    private static String string(List<Integer> codePoints) {
        StringBuilder out = new StringBuilder(codePoints.size() * 2);
        codePoints.forEach(out::appendCodePoint);
        return out.toString();
    }

    /** A Cognito {@code sub}: almost always a UUID, sometimes anything (a hand-made or hostile event). */
    public static Arbitrary<String> subs(boolean withUnpairedSurrogates) {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.create(() -> java.util.UUID.randomUUID().toString())),
                Tuple.of(2, text(2048, withUnpairedSurrogates)));
    }

    /** A pool id: Cognito's shape ({@code region_Id}, at most 55 characters), sometimes anything. */
    public static Arbitrary<String> poolIds(boolean withUnpairedSurrogates) {
        Arbitrary<String> real = Combinators.combine(
                        Arbitraries.of("eu-central-1", "us-east-1", "ap-southeast-2", "il-central-1"),
                        Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(40))
                .as((region, id) -> region + "_" + id);
        return Arbitraries.frequencyOf(Tuple.of(8, real), Tuple.of(2, text(55, withUnpairedSurrogates)));
    }

    /** An email attribute: a plausible address (ASCII, international, quoted, with a comment), or anything. */
    public static Arbitrary<String> emails(boolean withUnpairedSurrogates) {
        Arbitrary<String> local = Arbitraries.frequencyOf(
                Tuple.of(
                        5,
                        Arbitraries.strings()
                                .alpha()
                                .numeric()
                                .withChars(".+_-'")
                                .ofMinLength(1)
                                .ofMaxLength(64)),
                Tuple.of(2, text(64, false).filter(s -> !s.isBlank())),
                Tuple.of(1, Arbitraries.of("\"john..doe\"", "\"quoted\"", "user(comment)", "a\"b")));
        Arbitrary<String> domain = Arbitraries.frequencyOf(
                Tuple.of(
                        5,
                        Arbitraries.strings()
                                .alpha()
                                .numeric()
                                .ofMinLength(1)
                                .ofMaxLength(30)
                                .map(s -> s + ".example.com")),
                Tuple.of(1, Arbitraries.of("[192.0.2.1]", "exämple.de", "xn--exmple-cua.com", "例え.jp")),
                Tuple.of(1, text(60, false).map(s -> s + ".org")));
        Arbitrary<String> address = Combinators.combine(local, domain).as((l, d) -> l + "@" + d);
        return Arbitraries.frequencyOf(
                Tuple.of(7, address),
                Tuple.of(1, Arbitraries.of("", " ", "not-an-address", "a@b", "@example.com", "x@")),
                Tuple.of(2, text(300, withUnpairedSurrogates)));
    }

    /**
     * Cognito's {@code locale} attribute, which it stores as free text: real tags in any case and either separator,
     * padded ones, junk, and anything at all.
     */
    public static Arbitrary<String> locales(boolean withUnpairedSurrogates) {
        Arbitrary<String> tags = Combinators.combine(
                        Arbitraries.of("de", "en", "DE", "pt", "zh", "fr", "gsw", "x"),
                        Arbitraries.of("", "-AT", "_AT", "-at", "-Hant-TW", "-BR", "-419", "-x-private"))
                .as(String::concat);
        return Arbitraries.frequencyOf(
                Tuple.of(6, tags),
                Tuple.of(1, tags.map(tag -> " " + tag + "\n")),
                Tuple.of(
                        1,
                        Arbitraries.of(
                                "", " ", "-", "de-", "de--AT", "1de", "de AT", "<b>de</b>", "de-" + "A".repeat(70))),
                Tuple.of(2, text(100, withUnpairedSurrogates)));
    }

    /**
     * A user's attributes as Cognito gives them: a sub (usually), any subset of the standard and custom ones, any
     * values, and unknown ones.
     */
    public static Arbitrary<Map<String, String>> attributes(boolean withUnpairedSurrogates) {
        Arbitrary<String> value = text(2048, withUnpairedSurrogates);
        Arbitrary<Map<String, String>> others =
                Arbitraries.maps(Arbitraries.of(STANDARD_ATTRIBUTES), value).ofMaxSize(8);
        Arbitrary<Map<String, String>> unknown = Arbitraries.maps(
                        Arbitraries.strings()
                                .alpha()
                                .ofMinLength(1)
                                .ofMaxLength(20)
                                .map(s -> "custom:" + s),
                        value)
                .ofMaxSize(3);
        return Combinators.combine(
                        subs(withUnpairedSurrogates).injectNull(0.05),
                        emails(withUnpairedSurrogates).injectNull(0.2),
                        Arbitraries.of("true", "false", "TRUE", "yes").injectNull(0.2),
                        others,
                        unknown,
                        locales(withUnpairedSurrogates).injectNull(0.3))
                .as((sub, email, verified, other, custom, locale) -> {
                    Map<String, String> attributes = new LinkedHashMap<>(other);
                    attributes.putAll(custom);
                    put(attributes, "sub", sub);
                    put(attributes, "email", email);
                    put(attributes, "email_verified", verified);
                    if (locale != null) {
                        attributes.put("locale", locale);
                    }
                    return attributes;
                });
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value == null) {
            map.remove(key);
        } else {
            map.put(key, value);
        }
    }

    /** {@code clientMetadata}: usually small, sometimes large enough to push a body past SQS's 256 KiB. */
    public static Arbitrary<Map<String, String>> clientMetadata(boolean withUnpairedSurrogates) {
        Arbitrary<Map<String, String>> small = Arbitraries.maps(
                        text(30, withUnpairedSurrogates), text(200, withUnpairedSurrogates))
                .ofMaxSize(5);
        Arbitrary<Map<String, String>> large = Arbitraries.maps(
                        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12),
                        Arbitraries.strings()
                                .withCharRange('a', 'z')
                                .withChars('é', '"', '\\')
                                .ofMinLength(10_000)
                                .ofMaxLength(60_000)
                                .map(s -> s + "😀"))
                .ofMinSize(1)
                .ofMaxSize(12);
        return Arbitraries.frequencyOf(Tuple.of(8, small), Tuple.of(1, large), Tuple.of(1, Arbitraries.just(Map.of())));
    }

    /** A whole Cognito user as a producer sees it. */
    public static Arbitrary<UserConfirmedProducer.CognitoUser> users(boolean withUnpairedSurrogates) {
        return Combinators.combine(
                        poolIds(withUnpairedSurrogates).injectNull(0.02),
                        text(128, withUnpairedSurrogates).injectNull(0.05),
                        Arbitraries.of("eu-central-1", "us-east-1").injectNull(0.1),
                        Arbitraries.of("PostConfirmation_ConfirmSignUp", UserConfirmedProducer.RECONCILE_SOURCE),
                        text(128, withUnpairedSurrogates).injectNull(0.3),
                        attributes(withUnpairedSurrogates),
                        clientMetadata(withUnpairedSurrogates))
                .as(UserConfirmedProducer.CognitoUser::new);
    }
}
