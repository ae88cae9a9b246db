package dev.provisioning.ops.trace;

import java.util.Optional;

/**
 * Whom to trace and where to look.
 *
 * @param sub the user's Cognito subject
 * @param poolId the pool, when known (otherwise the account is found by scanning the table for the sub)
 * @param table the accounts table, if it should be read
 * @param deadLetterQueueUrl the DLQ, if it should be peeked at
 * @param userService whether the deployment posts to a user service, so the user is provisioned only once synced
 * @param scanUsers page through the pool when ListUsers filtered on sub finds nothing or fails
 */
record TraceRequest(
        String sub,
        Optional<String> poolId,
        Optional<String> table,
        Optional<String> deadLetterQueueUrl,
        boolean userService,
        boolean scanUsers) {}
