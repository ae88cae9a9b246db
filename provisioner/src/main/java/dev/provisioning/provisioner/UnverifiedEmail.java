package dev.provisioning.provisioner;

/**
 * Whether a welcome email goes to an address Cognito has not verified ({@code WELCOME_EMAIL_UNVERIFIED}). Where
 * addresses are not verified (a federated mapping, an admin-confirmed user, a pool that verifies by phone), anyone
 * could otherwise make the pool send mail from your domain, with a name they chose, to an address they do not own.
 */
enum UnverifiedEmail {
    /** The default: the user gets the account and no email; {@code provisioning.email.unverified} counts it. */
    SKIP,
    /** Send to unverified addresses too (opt in, e.g. for a pool that verifies every address itself). */
    SEND
}
