package dev.provisioning.common;

/**
 * The accounts table's item, as the provisioner writes it and the operators' tools, the local harness and infra
 * read it: one item per {@code userPoolId#sub} ({@link UserConfirmed#idempotencyKey(String, String)}).
 */
public final class AccountItem {

    /** The table's partition key. */
    public static final String KEY = "accountId";

    public static final String COGNITO_SUB = "cognitoSub";
    public static final String USER_POOL_ID = "userPoolId";
    public static final String CONFIRMED_AT = "confirmedAt";
    public static final String CREATED_AT = "createdAt";
    public static final String SOURCE_MESSAGE_ID = "sourceMessageId";
    /** {@link EmailState} of the welcome email. */
    public static final String EMAIL_STATE = "emailState";
    /** Epoch millis of the current claim on the welcome email send. */
    public static final String EMAIL_CLAIMED_AT = "emailClaimedAt";
    /** Claims taken on the welcome email send, released ones included. */
    public static final String EMAIL_ATTEMPTS = "emailAttempts";
    /** Why SES refused the welcome email for the user's address, with {@link EmailState#REJECTED}. */
    public static final String EMAIL_REJECTED = "emailRejected";
    /** Why a user with an address gets no welcome email. */
    public static final String EMAIL_SKIPPED = "emailSkipped";
    /** Claims on the welcome email that took over an expired one (SES may have sent twice). */
    public static final String EMAIL_TAKEOVERS = "emailTakeovers";
    /** The last failed send's reason, while the email is still owed. */
    public static final String EMAIL_LAST_ERROR = "emailLastError";

    public static final String EMAIL_SENT_AT = "emailSentAt";
    /** SES's message id of the welcome email. */
    public static final String EMAIL_MESSAGE_ID = "emailMessageId";

    public static final String USER_SERVICE_SYNCED_AT = "userServiceSyncedAt";
    public static final String UPDATED_AT = "updatedAt";
    /** {@link UserServiceState}, present once the user service accepted the account. */
    public static final String USER_SERVICE_STATE = "userServiceState";

    /** States of the welcome email step. */
    public enum EmailState {
        /** Not sent and not claimed. */
        PENDING,
        /** Claimed by a worker that has not yet confirmed the send. */
        SENDING,
        SENT,
        /** The user gets no welcome email (no address, or an unverified one under the skip rule). */
        NOT_APPLICABLE,
        /**
         * SES refused the message for this recipient (an address on its suppression list, a rejected address):
         * given up, never retried, the reason in {@link #EMAIL_REJECTED}; the account stays.
         */
        REJECTED;

        /** Whether nothing is left to do for the email. */
        public boolean isDone() {
            return this == SENT || this == NOT_APPLICABLE || this == REJECTED;
        }
    }

    /** States of the optional user-service step. */
    public enum UserServiceState {
        PENDING,
        SYNCED
    }

    private AccountItem() {}

    /** The item's key for a user of a pool. */
    public static String key(String userPoolId, String sub) {
        return UserConfirmed.idempotencyKey(userPoolId, sub);
    }
}
