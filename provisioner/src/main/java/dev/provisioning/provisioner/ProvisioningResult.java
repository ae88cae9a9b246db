package dev.provisioning.provisioner;

/**
 * What provisioning one confirmation did: {@link AccountProvisioner} returns it, {@link ProvisioningMetrics} counts
 * it, the batch loop logs it.
 */
record ProvisioningResult(
        boolean accountCreated, boolean emailSent, boolean emailResentAfterExpiredClaim, boolean userServiceSynced) {}
