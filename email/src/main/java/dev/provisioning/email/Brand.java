package dev.provisioning.email;

import java.util.Objects;

/**
 * What the templates say about the product, from the deployment's configuration (never from the user): every
 * value is optional, and an empty one is false in a Mustache section, so a template can leave out a sentence.
 *
 * @param productName the product's name, e.g. {@code Acme}; empty when not configured
 * @param signInUrl where the user signs in; empty when not configured
 * @param supportUrl where the user gets help; empty when not configured
 */
public record Brand(String productName, String signInUrl, String supportUrl) {

    public Brand {
        productName = Objects.requireNonNullElse(productName, "").strip();
        signInUrl = Objects.requireNonNullElse(signInUrl, "").strip();
        supportUrl = Objects.requireNonNullElse(supportUrl, "").strip();
    }

    /** No product name and no links: the templates' generic wording. */
    public static Brand none() {
        return new Brand("", "", "");
    }
}
