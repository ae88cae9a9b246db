package dev.provisioning.provisioner;

import dev.provisioning.common.UserConfirmed;

/**
 * Provisions one decoded record: what {@link BatchProcessor} runs for each. {@link AccountProvisioner} is the one
 * implementation; a failure is thrown ({@link TransientFailureException}, {@link PermanentFailureException} or an
 * SDK exception) and classified by {@link FailureClassifier}. Called from several threads at once.
 */
@FunctionalInterface
interface RecordProvisioner {

    ProvisioningResult provision(UserConfirmed message);
}
