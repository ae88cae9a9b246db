package dev.provisioning.provisioner;

import dev.provisioning.common.UserConfirmed;
import dev.provisioning.provisioner.AccountStore.EmailClaim;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Provisions one confirmed user in three steps: the account item, the welcome email (at most
 * once), then the optional user-service sync. Each step is recorded in the account item, so a
 * retry (redelivery, duplicate enqueue, DLQ replay) resumes at the first unfinished step and
 * repeats nothing that is done. Knows nothing of SQS or Lambda.
 *
 * <p>The one window for a second email: SES accepted the send but the outcome never reached us (the
 * worker died, or the call timed out after SES had it) before {@link AccountStore#markEmailSent}
 * committed. The claim then stays until its lease expires and a later attempt sends again; {@link
 * Result#emailResentAfterExpiredClaim()} counts those. SES has no idempotency token, so this
 * window can be made small (one SES round trip plus one conditional write) but not closed.
 */
final class AccountProvisioner {

    /** What one call did. */
    record Result(
            boolean accountCreated,
            boolean emailSent,
            boolean emailResentAfterExpiredClaim,
            boolean userServiceSynced) {}

    /** Calls (each with the SDK's own retries) to record a send SES accepted; see {@link #recordSent}. */
    static final int RECORD_SENT_ATTEMPTS = 4;

    private final AccountStore accounts;
    private final WelcomeEmailSender email;
    private final Optional<UserServiceClient> userService;
    private final Clock clock;
    private final Duration emailClaimLease;

    AccountProvisioner(
            AccountStore accounts,
            WelcomeEmailSender email,
            Optional<UserServiceClient> userService,
            Clock clock,
            Duration emailClaimLease) {
        this.accounts = accounts;
        this.email = email;
        this.userService = userService;
        this.clock = clock;
        this.emailClaimLease = emailClaimLease;
    }

    Result provision(UserConfirmed message) {
        AccountStore.Account account = accounts.createIfAbsent(message, clock.instant());
        boolean sent = false;
        boolean resent = false;
        if (message.hasEmail()
                && account.emailState() != AccountStore.EmailState.SENT
                && account.emailState() != AccountStore.EmailState.NOT_APPLICABLE) {
            EmailClaim claim = accounts.claimEmail(account.accountId(), clock.instant(), emailClaimLease);
            switch (claim) {
                case EmailClaim.AlreadyDone done -> {}
                case EmailClaim.Busy busy ->
                    throw new TransientFailureException(
                            "EMAIL_SEND_IN_PROGRESS",
                            "Welcome email of " + account.accountId() + " is claimed by another attempt",
                            busy.remaining(),
                            null);
                case EmailClaim.Claimed claimed -> {
                    send(account.accountId(), message, claimed.token());
                    sent = true;
                    resent = claimed.attempt() > 1;
                }
            }
        }
        boolean synced = false;
        if (userService.isPresent() && account.userServiceState() != AccountStore.UserServiceState.SYNCED) {
            userService.get().createUser(message);
            accounts.markUserServiceSynced(account.accountId(), clock.instant());
            synced = true;
        }
        return new Result(account.created(), sent, resent, synced);
    }

    /**
     * Records the send, retrying failures: once SES has sent, a failure to record it is the only
     * other way to a second email (the claim would expire unconfirmed). The write is fenced by the
     * claim token, so repeating it is safe.
     *
     * @return false when the claim was lost to another attempt
     */
    private boolean recordSent(String accountId, String token, String sesMessageId) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < RECORD_SENT_ATTEMPTS; attempt++) {
            try {
                return accounts.markEmailSent(accountId, token, sesMessageId, clock.instant());
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw last;
    }

    private void send(String accountId, UserConfirmed message, String token) {
        String sesMessageId;
        try {
            sesMessageId = email.send(message.email(), message.name());
        } catch (AwsServiceException e) {
            // SES answered with an error: nothing was sent, so the next attempt need not wait out the lease.
            accounts.releaseEmailClaim(accountId, token, e.getClass().getSimpleName());
            throw e;
        } catch (RuntimeException e) {
            // No answer (timeout, reset): SES may have sent it. Keep the claim; retry after the lease.
            throw new TransientFailureException(
                    "EMAIL_OUTCOME_UNKNOWN",
                    "Welcome email of " + accountId + " may or may not have been sent: "
                            + e.getClass().getSimpleName(),
                    emailClaimLease,
                    e);
        }
        if (!recordSent(accountId, token, sesMessageId)) {
            // Our claim expired and another attempt took over while SES was answering: both may send.
            throw new TransientFailureException(
                    "EMAIL_CLAIM_LOST",
                    "Welcome email of " + accountId + " was sent after its claim expired",
                    Duration.ZERO,
                    null);
        }
    }
}
