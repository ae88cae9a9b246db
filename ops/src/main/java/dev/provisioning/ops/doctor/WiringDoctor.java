package dev.provisioning.ops.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Checks the deployed wiring (pool → trigger, the trigger's invoke permission, queue and DLQ, mappings,
 * table, SES identity) and, when asked, adds the one missing piece it may add: the invoke permission for
 * the pool's current ARN. It never removes a statement and never calls UpdateUserPool, which resets every
 * pool setting it is not given. The caller owns the clients.
 */
final class WiringDoctor {

    private final TriggerChecks trigger;
    private final QueueChecks queue;
    private final TableChecks table;
    private final SenderChecks sender;

    WiringDoctor(
            CognitoIdentityProviderClient cognito,
            LambdaClient lambda,
            SqsClient sqs,
            DynamoDbClient dynamoDb,
            SesClient ses) {
        this.trigger = new TriggerChecks(cognito, lambda);
        this.queue = new QueueChecks(sqs, lambda);
        this.table = new TableChecks(dynamoDb);
        this.sender = new SenderChecks(ses);
    }

    /** Runs every check family in order; {@code fix} lets the trigger checks add a missing permission. */
    Report examine(Target target, boolean fix) {
        List<Check> checks = new ArrayList<>();
        trigger.check(target, fix, checks);
        Optional<QueueChecks.Queue> signupQueue = queue.checkQueue(target, checks);
        List<EventSourceMappingConfiguration> mappings = queue.checkMappings(target, signupQueue, checks);
        queue.checkVisibility(target, signupQueue, mappings, checks);
        table.check(target, checks);
        sender.check(target, checks);
        sender.checkConfigurationSet(target, checks);
        return new Report(List.copyOf(checks));
    }
}
