package dev.provisioning.provisioner;

import dev.provisioning.common.UserConfirmed;
import dev.provisioning.provisioner.AccountStore.EmailClaim;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Provisions one confirmed user: the account item, then the welcome email at most once. Each step
 * is recorded in the account item, so a retry (redelivery, duplicate enqueue, DLQ replay) resumes
 * at the first unfinished step and repeats nothing that is done. Knows nothing of SQS or Lambda.
 *
 * <p>The one window for a second email: SES accepted the send, then the worker died before
 * {@link AccountStore#markEmailSent} committed. The claim then expires after the lease and a later
 * attempt sends again; {@link Result#emailResentAfterExpiredClaim()} counts those.
 */
final class AccountProvisioner {

    /** What one call did. */
    record Result(boolean accountCreated, boolean emailSent, boolean emailResentAfterExpiredClaim) {}

    private final AccountStore accounts;
    private final WelcomeEmailSender email;
    private final Clock clock;
    private final Duration emailClaimLease;

    AccountProvisioner(AccountStore accounts, WelcomeEmailSender email, Clock clock, Duration emailClaimLease) {
        this.accounts = accounts;
        this.email = email;
        this.clock = clock;
        this.emailClaimLease = emailClaimLease;
    }

    Result provision(UserConfirmed message) {
        AccountStore.Account account = accounts.createIfAbsent(message, clock.instant());
        if (!message.hasEmail()
                || account.emailState() == AccountStore.EmailState.SENT
                || account.emailState() == AccountStore.EmailState.NOT_APPLICABLE) {
            return new Result(account.created(), false, false);
        }
        return switch (accounts.claimEmail(account.accountId(), clock.instant(), emailClaimLease)) {
            case EmailClaim.AlreadyDone done -> new Result(account.created(), false, false);
            case EmailClaim.Busy busy ->
                throw new TransientFailureException(
                        "EMAIL_SEND_IN_PROGRESS",
                        "Welcome email of " + account.accountId() + " is claimed by another attempt",
                        busy.remaining(),
                        null);
            case EmailClaim.Claimed claimed -> {
                send(account.accountId(), message, claimed.token());
                yield new Result(account.created(), true, claimed.attempt() > 1);
            }
        };
    }

    private void send(String accountId, UserConfirmed message, String token) {
        String sesMessageId;
        try {
            sesMessageId = email.send(message.email(), message.name());
        } catch (RuntimeException e) {
            // Nothing was sent: hand the claim back so a retry need not wait out the lease.
            accounts.releaseEmailClaim(
                    accountId, token, FailureClassifier.redact(e.getClass().getSimpleName()));
            throw e;
        }
        Instant now = clock.instant();
        if (!accounts.markEmailSent(accountId, token, sesMessageId, now)) {
            // Our claim expired and another attempt took over while SES was answering: both may send.
            throw new TransientFailureException(
                    "EMAIL_CLAIM_LOST",
                    "Welcome email of " + accountId + " was sent after its claim expired",
                    Duration.ZERO,
                    null);
        }
    }
}
