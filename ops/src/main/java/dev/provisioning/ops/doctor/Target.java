package dev.provisioning.ops.doctor;

import java.util.Optional;

/** What to check; an empty value skips the checks that need it. */
record Target(
        Optional<String> poolId,
        Optional<String> function,
        Optional<String> queueUrl,
        Optional<String> table,
        Optional<String> sender,
        Optional<String> provisioner,
        Optional<String> configurationSet) {}
