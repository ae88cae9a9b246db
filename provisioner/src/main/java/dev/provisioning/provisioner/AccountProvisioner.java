package dev.provisioning.provisioner;

import dev.provisioning.common.AccountItem;
import dev.provisioning.common.UserConfirmed;
import dev.provisioning.provisioner.AccountStore.EmailClaim;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Provisions one confirmed user in three steps: the account item, the welcome email (at most
 * once), then the optional user-service sync. Each step is recorded in the account item, so a
 * retry (redelivery, duplicate enqueue, DLQ replay) resumes at the first unfinished step and
 * repeats nothing that is done. Knows nothing of SQS or Lambda.
 *
 * <p>The one window for a second email: SES accepted the send but the outcome never reached us (the
 * worker died, the call timed out, or SES answered a 5xx after it had the message) before {@link AccountStore#markEmailSent}
 * committed. The claim then stays until its lease expires and a later attempt sends again; {@link
 * ProvisioningResult#emailResentAfterExpiredClaim()} counts those. SES has no idempotency token, so this
 * window can be made small (one SES round trip, plus the bounded retries that record it) but not
 * closed; {@code emailTakeovers} on the item counts each time it was used.
 */
final class AccountProvisioner implements RecordProvisioner {

    /**
     * Pauses between the calls that record a send SES accepted; see {@link #recordSent}. Their sum
     * stays well inside any sane lease, and the loop also stops at half the lease.
     */
    static final List<Duration> RECORD_SENT_PAUSES =
            List.of(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofMillis(1600));

    private final AccountStore accounts;
    private final WelcomeEmailSender email;
    private final Optional<UserServiceClient> userService;
    private final Clock clock;
    private final Duration emailClaimLease;
    private final ProvisioningMetrics metrics;
    private final UnverifiedEmail unverified;

    AccountProvisioner(
            AccountStore accounts,
            WelcomeEmailSender email,
            Optional<UserServiceClient> userService,
            Clock clock,
            Duration emailClaimLease,
            ProvisioningMetrics metrics,
            UnverifiedEmail unverified) {
        this.metrics = metrics;
        this.unverified = unverified;
        this.accounts = accounts;
        this.email = email;
        this.userService = userService;
        this.clock = clock;
        this.emailClaimLease = emailClaimLease;
    }

    @Override
    public ProvisioningResult provision(UserConfirmed message) {
        boolean welcome = message.hasEmail() && (message.emailVerified() || unverified == UnverifiedEmail.SEND);
        AccountStore.Account account = accounts.createIfAbsent(message, clock.instant(), welcome);
        metrics.recordAccount(account.created());
        if (account.created() && message.hasEmail() && !welcome) {
            metrics.recordEmailUnverified();
        }
        boolean sent = false;
        boolean resent = false;
        if (message.hasEmail() && !account.emailState().isDone()) {
            Instant claimedAt = clock.instant();
            EmailClaim claim = accounts.claimEmail(account.accountId(), claimedAt, emailClaimLease);
            switch (claim) {
                case EmailClaim.AlreadyDone done -> {}
                case EmailClaim.Busy busy ->
                    throw new TransientFailureException(
                            "EMAIL_SEND_IN_PROGRESS",
                            "Welcome email of " + account.accountId() + " is claimed by another attempt",
                            busy.remaining(),
                            null);
                case EmailClaim.Claimed claimed -> {
                    sent = send(account.accountId(), message, claimed.token(), claimedAt);
                    resent = sent && claimed.takeover();
                }
            }
        }
        boolean synced = false;
        if (userService.isPresent() && account.userServiceState() != AccountItem.UserServiceState.SYNCED) {
            try {
                userService.get().createUser(message);
            } catch (RuntimeException e) {
                metrics.recordUserServiceSync(false);
                throw e;
            }
            metrics.recordUserServiceSync(true);
            accounts.markUserServiceSynced(account.accountId(), clock.instant());
            synced = true;
        }
        return new ProvisioningResult(account.created(), sent, resent, synced);
    }

    /**
     * Records the send, retrying retryable failures: once SES has sent, a failure to record it is the
     * only other way to a second email (the claim would expire unconfirmed). Bounded by {@link
     * #RECORD_SENT_PAUSES} and by half the claim's lease, so it never outlives the claim it records.
     * The write is fenced by the claim token and idempotent, so repeating it is safe.
     *
     * @return false when the claim was lost to another attempt
     */
    private boolean recordSent(String accountId, String token, String sesMessageId, Instant claimedAt) {
        Instant giveUp = claimedAt.plus(emailClaimLease.dividedBy(2));
        for (int attempt = 0; ; attempt++) {
            try {
                return accounts.markEmailSent(accountId, token, sesMessageId, clock.instant());
            } catch (SdkException e) {
                boolean more = attempt < RECORD_SENT_PAUSES.size()
                        && worthRetrying(e)
                        && clock.instant().plus(RECORD_SENT_PAUSES.get(attempt)).isBefore(giveUp);
                if (!more) {
                    // The claim stays SENDING; after its lease a later attempt sends again (the window).
                    throw new TransientFailureException(
                            "EMAIL_RECORD_FAILED",
                            "Welcome email of " + accountId + " was sent but could not be recorded: "
                                    + e.getClass().getSimpleName(),
                            emailClaimLease,
                            e);
                }
                pause(RECORD_SENT_PAUSES.get(attempt));
            }
        }
    }

    /** Throttling, 5xx, timeouts and I/O errors may pass; access denied or a bad request will not. */
    private static boolean worthRetrying(SdkException e) {
        return !(e instanceof AwsServiceException service)
                || service.isThrottlingException()
                || service.statusCode() >= 500;
    }

    private static void pause(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFailureException("INTERRUPTED", "Interrupted while recording a send", Duration.ZERO, e);
        }
    }

    /**
     * Whether SES's error says the send did not happen: a 4xx is SES refusing the request (throttling, a rejected
     * address, an unverified sender, a bad parameter); a 5xx is SES failing, and it may have sent first.
     */
    static boolean isRefusal(AwsServiceException e) {
        return e.isThrottlingException() || (e.statusCode() >= 400 && e.statusCode() < 500);
    }

    private TransientFailureException outcomeUnknown(String accountId, RuntimeException e) {
        return new TransientFailureException(
                "EMAIL_OUTCOME_UNKNOWN",
                "Welcome email of " + accountId + " may or may not have been sent: "
                        + e.getClass().getSimpleName(),
                emailClaimLease,
                e);
    }

    /** @return true when SES accepted the email, false when it refused it for the recipient (given up) */
    private boolean send(String accountId, UserConfirmed message, String token, Instant claimedAt) {
        String sesMessageId;
        try {
            sesMessageId = email.send(message.email(), message.name(), message.locale());
        } catch (AwsServiceException e) {
            if (!isRefusal(e)) {
                // A 5xx: SES failed to answer, possibly after it sent. Keep the claim; retry after the lease, and
                // the takeover that follows is counted, so any second email stays explained.
                throw outcomeUnknown(accountId, e);
            }
            if (email.isRecipientRefused(e)) {
                // SES refused this address (suppressed, rejected): asking again gets the same answer. The email is
                // given up for this user only; the account stays and the record succeeds.
                accounts.markEmailRejected(accountId, token, WelcomeEmailSender.describeRefusal(e), clock.instant());
                metrics.recordEmailRejected();
                return false;
            }
            // SES refused the request (a 4xx: throttling, an unverified sender, a paused account): nothing was
            // sent, so the next attempt need not wait out the lease.
            try {
                accounts.releaseEmailClaim(accountId, token, e.getClass().getSimpleName());
            } catch (RuntimeException releaseFailed) {
                // SES's answer decides the record's fate (e.g. a rejected address is permanent); the
                // claim then simply expires.
                e.addSuppressed(releaseFailed);
            }
            if (email.isSenderNotVerified(e)) {
                throw new TransientFailureException(
                        FailureClassifier.CONFIGURATION_PREFIX + "SENDER_NOT_VERIFIED",
                        "SES refused the sender identity (not verified) for " + accountId,
                        Duration.ZERO,
                        e);
            }
            throw e;
        } catch (RuntimeException e) {
            // No answer (timeout, reset): SES may have sent it. Keep the claim; retry after the lease.
            throw outcomeUnknown(accountId, e);
        }
        if (!recordSent(accountId, token, sesMessageId, claimedAt)) {
            // Our claim expired and another attempt took over while SES was answering: both may send.
            throw new TransientFailureException(
                    "EMAIL_CLAIM_LOST",
                    "Welcome email of " + accountId + " was sent after its claim expired",
                    Duration.ZERO,
                    null);
        }
        return true;
    }
}
