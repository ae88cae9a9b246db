package dev.provisioning.ops.trace;

import dev.provisioning.common.AccountItem;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * What {@code trace} found about one user; printed for a person or serialized as JSON.
 *
 * @param sub the Cognito {@code sub}
 * @param poolId the user pool, given or found
 * @param cognito the user in Cognito, null when not found
 * @param account the account record's provisioning fields in step order, null when absent
 * @param deadLetters DLQ messages about this user
 * @param verdict the one-word summary
 * @param notes what could not be looked at, and why
 */
public record Trace(
        String sub,
        String poolId,
        CognitoUser cognito,
        Map<String, String> account,
        List<DeadLetter> deadLetters,
        Verdict verdict,
        List<String> notes) {

    /** The summary of a trace, worst first. */
    public enum Verdict {
        /** In the DLQ: read its reason, fix, then redrive. */
        DEAD_LETTERED,
        /** Confirmed in Cognito but no account: the trigger's enqueue was lost, run reconcile. */
        NOT_PROVISIONED,
        /** Account exists but the welcome email is not sent yet (pending, in flight or retrying). */
        EMAIL_PENDING,
        /** Account and email done, but the user service has not been synced (only with {@code --user-service}). */
        USER_SERVICE_PENDING,
        /** Account exists and the email is sent (or the user has none), and the user service synced if asked. */
        PROVISIONED,
        /** Neither Cognito nor the table knows this sub. */
        UNKNOWN_USER,
        /** A lookup the verdict depends on failed or was not possible (see the notes): nothing can be said. */
        INCOMPLETE
    }

    /** The user as Cognito sees it; no email address, a user name only when it is not one. */
    public record CognitoUser(String userName, String status, boolean enabled, String created, String lastModified) {}

    /** One dead-lettered message about the user, with the reason the provisioner attached. */
    public record DeadLetter(
            String messageId,
            String reason,
            String failureClass,
            String message,
            String firstFailedAt,
            String sourceMessageId) {}

    void print(PrintStream out) {
        out.println("Trace of sub " + sub + (poolId == null ? "" : " in pool " + poolId) + ": " + verdict);
        if (cognito == null) {
            out.println("  Cognito   not found");
        } else {
            out.printf(
                    "  Cognito   %s, %s, created %s, last modified %s%n",
                    cognito.status(),
                    cognito.enabled() ? "enabled" : "DISABLED",
                    cognito.created(),
                    cognito.lastModified());
        }
        if (account == null) {
            out.println("  Account   none");
        } else {
            out.println("  Account   " + account.getOrDefault(AccountItem.KEY, "?"));
            account.forEach((field, value) -> {
                if (!field.equals(AccountItem.KEY)) {
                    out.printf("    %-16s %s%n", field, value);
                }
            });
        }
        if (deadLetters.isEmpty()) {
            out.println("  DLQ       none");
        } else {
            for (DeadLetter letter : deadLetters) {
                out.printf(
                        "  DLQ       %s reason=%s class=%s firstFailedAt=%s: %s%n",
                        letter.messageId(),
                        letter.reason(),
                        letter.failureClass(),
                        letter.firstFailedAt(),
                        letter.message());
            }
        }
        notes.forEach(note -> out.println("  note: " + note));
    }
}
