package dev.provisioning.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionResponseType;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.IdentityVerificationAttributes;
import software.amazon.awssdk.services.ses.model.VerificationStatus;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Checks the deployed wiring (pool → trigger, the trigger's invoke permission, queue, mapping,
 * table, SES identity) and, when asked, adds the one missing piece it may add: the invoke
 * permission for the pool's current ARN. It never removes a statement and never calls
 * UpdateUserPool, which resets every pool setting it is not given.
 */
final class WiringDoctor {

    static final String COGNITO_PRINCIPAL = "cognito-idp.amazonaws.com";
    static final int MIN_MAX_RECEIVE_COUNT = 5;
    static final int VISIBILITY_FACTOR = 6;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A check's verdict. */
    enum Status {
        OK,
        WARN,
        FAIL
    }

    /** One line of the report; {@code fix} is empty when there is nothing to do. */
    record Check(String name, Status status, String detail, String fix) {

        static Check ok(String name, String detail) {
            return new Check(name, Status.OK, detail, "");
        }

        static Check warn(String name, String detail, String fix) {
            return new Check(name, Status.WARN, detail, fix);
        }

        static Check fail(String name, String detail, String fix) {
            return new Check(name, Status.FAIL, detail, fix);
        }
    }

    /** What to check; an empty value skips the checks that need it. */
    record Target(
            Optional<String> poolId,
            Optional<String> function,
            Optional<String> queueUrl,
            Optional<String> table,
            Optional<String> sender,
            Optional<String> provisioner) {}

    /** Every check's result, in order. */
    record Report(List<Check> checks) {

        long count(Status status) {
            return checks.stream().filter(c -> c.status() == status).count();
        }

        int exitCode() {
            return count(Status.FAIL) > 0 ? 1 : 0;
        }

        void print(PrintStream out) {
            for (Check check : checks) {
                out.printf("%-4s %s  %s%n", check.status(), check.name(), check.detail());
                if (!check.fix().isEmpty()) {
                    out.println("       fix: " + check.fix());
                }
            }
            out.printf("doctor ok=%d warn=%d fail=%d%n", count(Status.OK), count(Status.WARN), count(Status.FAIL));
        }

        String toJson() {
            try {
                return JSON.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(Map.of(
                                "checks", checks,
                                "ok", count(Status.OK),
                                "warn", count(Status.WARN),
                                "fail", count(Status.FAIL)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final CognitoIdentityProviderClient cognito;
    private final LambdaClient lambda;
    private final SqsClient sqs;
    private final DynamoDbClient dynamoDb;
    private final SesClient ses;

    WiringDoctor(
            CognitoIdentityProviderClient cognito,
            LambdaClient lambda,
            SqsClient sqs,
            DynamoDbClient dynamoDb,
            SesClient ses) {
        this.cognito = cognito;
        this.lambda = lambda;
        this.sqs = sqs;
        this.dynamoDb = dynamoDb;
        this.ses = ses;
    }

    Report examine(Target target, boolean fix) {
        List<Check> checks = new ArrayList<>();
        checkPoolAndTrigger(target, fix, checks);
        Optional<String> queueArn = checkQueue(target, checks);
        checkMapping(target, queueArn, checks);
        checkTable(target, checks);
        checkSender(target, checks);
        return new Report(List.copyOf(checks));
    }

    // ---- 1 + 2: pool, LambdaConfig, invoke permission -------------------------------------------

    private void checkPoolAndTrigger(Target target, boolean fix, List<Check> checks) {
        if (target.poolId().isEmpty()) {
            checks.add(Check.warn("pool", "skipped: --pool (USER_POOL_ID) would enable the pool checks", ""));
            return;
        }
        String poolId = target.poolId().get();
        UserPoolType pool;
        try {
            pool = cognito.describeUserPool(r -> r.userPoolId(poolId)).userPool();
        } catch (software.amazon.awssdk.services.cognitoidentityprovider.model.ResourceNotFoundException e) {
            checks.add(Check.fail("pool.exists", "no user pool " + poolId, "check --pool and the region"));
            return;
        } catch (SdkException e) {
            checks.add(couldNotCheck("pool.exists", e));
            return;
        }
        String poolArn = pool.arn();
        checks.add(Check.ok("pool.exists", poolArn));

        String configured =
                pool.lambdaConfig() == null ? null : pool.lambdaConfig().postConfirmation();
        Optional<String> function = target.function().or(() -> Optional.ofNullable(configured));
        if (configured == null) {
            checks.add(Check.fail(
                    "pool.post-confirmation",
                    "the pool has no PostConfirmation trigger",
                    manualLambdaConfigSteps(poolId, function.orElse("<trigger alias ARN>"))));
        } else if (target.function().isPresent()
                && !sameFunction(configured, target.function().get())) {
            checks.add(Check.fail(
                    "pool.post-confirmation",
                    "PostConfirmation is " + configured + ", expected "
                            + target.function().get(),
                    manualLambdaConfigSteps(poolId, target.function().get())));
        } else {
            checks.add(Check.ok("pool.post-confirmation", configured));
        }
        if (function.isEmpty()) {
            checks.add(Check.warn(
                    "pool.trigger-permission",
                    "skipped: --function (TRIGGER_FUNCTION) would enable it, the pool names no trigger",
                    ""));
            return;
        }
        List<Check> permission = checkPermission(function.get(), poolArn);
        boolean failed = permission.stream().anyMatch(c -> c.status() == Status.FAIL);
        if (failed && fix) {
            Check added = addPermission(function.get(), poolId, poolArn);
            checks.add(added);
            if (added.status() == Status.OK) {
                permission = checkPermission(function.get(), poolArn);
            }
        }
        checks.addAll(permission);
    }

    private List<Check> checkPermission(String function, String poolArn) {
        String name = "pool.trigger-permission";
        FunctionRef ref = FunctionRef.parse(function);
        String policy;
        try {
            policy = lambda.getPolicy(r -> r.functionName(ref.unqualified()).qualifier(ref.qualifier()))
                    .policy();
        } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException e) {
            return List.of(Check.fail(
                    name,
                    ref + " has no resource policy (or does not exist): Cognito cannot invoke it",
                    fixHint(ref, poolArn)));
        } catch (SdkException e) {
            return List.of(couldNotCheck(name, e));
        }
        List<Check> checks = new ArrayList<>();
        List<Statement> statements;
        try {
            statements = cognitoStatements(policy);
        } catch (JsonProcessingException e) {
            return List.of(Check.warn(name, "could not check: unreadable policy: " + e.getOriginalMessage(), ""));
        }
        Statement current = null;
        boolean unconditional = false;
        for (Statement statement : statements) {
            if (statement.sourceArn().isEmpty()) {
                unconditional = true;
            } else if (statement.sourceArn().get().equals(poolArn)) {
                current = current == null || current.sourceAccount().isEmpty() ? statement : current;
            } else {
                checks.add(Check.warn(
                        name + ".stale",
                        "statement " + statement.sid() + " allows "
                                + statement.sourceArn().get() + ", not this pool: harmless but misleading",
                        "once sure no pool uses it: aws lambda remove-permission --function-name " + ref.unqualified()
                                + ref.qualifierOption() + " --statement-id " + statement.sid()));
            }
        }
        if (current != null && current.sourceAccount().isPresent()) {
            checks.add(0, Check.ok(name, "SourceArn matches " + poolArn + " (statement " + current.sid() + ")"));
        } else if (current != null) {
            checks.add(
                    0,
                    Check.warn(
                            name,
                            "SourceArn matches " + poolArn + " (statement " + current.sid()
                                    + ") but has no SourceAccount",
                            "add a statement with SourceAccount: " + fixHint(ref, poolArn)));
        } else if (unconditional) {
            checks.add(
                    0,
                    Check.warn(
                            name,
                            "a statement lets " + COGNITO_PRINCIPAL + " invoke " + ref
                                    + " without a SourceArn: any pool may",
                            "scope it: " + fixHint(ref, poolArn)));
        } else {
            checks.add(
                    0,
                    Check.fail(
                            name,
                            "no statement allows " + COGNITO_PRINCIPAL + " with SourceArn " + poolArn
                                    + ": Cognito is denied (AccessDeniedException / UnexpectedLambdaException)",
                            fixHint(ref, poolArn)));
        }
        return checks;
    }

    private Check addPermission(String function, String poolId, String poolArn) {
        FunctionRef ref = FunctionRef.parse(function);
        String statementId = "cognito-post-confirmation-" + poolId;
        try {
            try {
                add(ref, statementId, poolArn);
            } catch (ResourceConflictException e) {
                // The id is taken by a statement that does not match (e.g. edited by hand): never replace it.
                statementId = statementId + "-" + System.currentTimeMillis() / 1000;
                add(ref, statementId, poolArn);
            }
            return Check.ok(
                    "pool.trigger-permission.fix", "added statement " + statementId + " for SourceArn " + poolArn);
        } catch (SdkException e) {
            return Check.fail(
                    "pool.trigger-permission.fix", "AddPermission failed: " + e.getMessage(), fixHint(ref, poolArn));
        }
    }

    private void add(FunctionRef ref, String statementId, String poolArn) {
        lambda.addPermission(r -> r.functionName(ref.unqualified())
                .qualifier(ref.qualifier())
                .statementId(statementId)
                .action("lambda:InvokeFunction")
                .principal(COGNITO_PRINCIPAL)
                .sourceArn(poolArn)
                .sourceAccount(accountOf(poolArn)));
    }

    private static String fixHint(FunctionRef ref, String poolArn) {
        return "./pipeline doctor --fix, or: aws lambda add-permission --function-name " + ref.unqualified()
                + ref.qualifierOption() + " --statement-id cognito-post-confirmation-"
                + poolArn.substring(poolArn.lastIndexOf('/') + 1)
                + " --action lambda:InvokeFunction --principal " + COGNITO_PRINCIPAL + " --source-arn " + poolArn
                + " --source-account " + accountOf(poolArn);
    }

    private static String manualLambdaConfigSteps(String poolId, String function) {
        return "doctor does not change LambdaConfig (UpdateUserPool resets every setting it is not given). "
                + "Either pick the function (alias live) as PostConfirmation in the console, or run "
                + "aws cognito-idp describe-user-pool --user-pool-id " + poolId
                + ", then aws cognito-idp update-user-pool passing every current setting back plus "
                + "--lambda-config PostConfirmation=" + function;
    }

    /** The account id in an ARN ({@code arn:partition:service:region:account:...}). */
    static String accountOf(String arn) {
        String[] parts = arn.split(":", 6);
        return parts.length > 4 ? parts[4] : "";
    }

    /** Whether two names, ARNs or qualified ARNs of a function name the same function and alias. */
    static boolean sameFunction(String a, String b) {
        FunctionRef left = FunctionRef.parse(a);
        FunctionRef right = FunctionRef.parse(b);
        if (!left.name().equals(right.name())) {
            return false;
        }
        return left.qualifier() == null
                || right.qualifier() == null
                || left.qualifier().equals(right.qualifier());
    }

    /** A function by name or ARN, with the alias or version an ARN may carry. */
    record FunctionRef(String name, String unqualified, String qualifier) {

        static FunctionRef parse(String value) {
            if (!value.startsWith("arn:")) {
                int colon = value.indexOf(':');
                return colon < 0
                        ? new FunctionRef(value, value, null)
                        : new FunctionRef(
                                value.substring(0, colon), value.substring(0, colon), value.substring(colon + 1));
            }
            // arn:partition:lambda:region:account:function:name[:qualifier]
            String[] parts = value.split(":");
            String name = parts.length > 6 ? parts[6] : value;
            String qualifier = parts.length > 7 ? parts[7] : null;
            String unqualified = String.join(":", java.util.Arrays.copyOf(parts, Math.min(parts.length, 7)));
            return new FunctionRef(name, unqualified, qualifier);
        }

        String qualifierOption() {
            return qualifier == null ? "" : " --qualifier " + qualifier;
        }

        @Override
        public String toString() {
            return qualifier == null ? unqualified : unqualified + ":" + qualifier;
        }
    }

    /** An Allow statement for Cognito's service principal and its conditions. */
    record Statement(String sid, Optional<String> sourceArn, Optional<String> sourceAccount) {}

    /** The statements letting Cognito invoke; condition keys compared case-insensitively. */
    static List<Statement> cognitoStatements(String policy) throws JsonProcessingException {
        List<Statement> statements = new ArrayList<>();
        for (JsonNode statement : JSON.readTree(policy).path("Statement")) {
            if (!"Allow".equals(statement.path("Effect").asText())
                    || !values(statement.path("Principal").path("Service")).contains(COGNITO_PRINCIPAL)
                    || values(statement.path("Action")).stream()
                            .noneMatch(a -> a.equalsIgnoreCase("lambda:InvokeFunction") || a.equals("lambda:*"))) {
                continue;
            }
            Optional<String> sourceArn = Optional.empty();
            Optional<String> sourceAccount = Optional.empty();
            for (JsonNode operator : statement.path("Condition")) {
                for (Map.Entry<String, JsonNode> condition : operator.properties()) {
                    String key = condition.getKey().toLowerCase(Locale.ROOT);
                    List<String> values = values(condition.getValue());
                    if (key.equals("aws:sourcearn") && !values.isEmpty()) {
                        sourceArn = Optional.of(values.get(0));
                    } else if (key.equals("aws:sourceaccount") && !values.isEmpty()) {
                        sourceAccount = Optional.of(values.get(0));
                    }
                }
            }
            statements.add(new Statement(statement.path("Sid").asText(""), sourceArn, sourceAccount));
        }
        return statements;
    }

    private static List<String> values(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(v -> values.add(v.asText()));
        } else if (node.isTextual()) {
            values.add(node.asText());
        }
        return values;
    }

    // ---- 3: queue ------------------------------------------------------------------------------

    private Optional<String> checkQueue(Target target, List<Check> checks) {
        if (target.queueUrl().isEmpty()) {
            checks.add(Check.warn(
                    "queue", "skipped: --queue-url (QUEUE_URL) would enable the queue and mapping checks", ""));
            return Optional.empty();
        }
        String url = target.queueUrl().get();
        Map<String, String> attributes;
        try {
            attributes = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.ALL))
                    .attributesAsStrings();
        } catch (software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException e) {
            checks.add(Check.fail("queue.exists", "no queue " + url, "check --queue-url and the region"));
            return Optional.empty();
        } catch (SdkException e) {
            checks.add(couldNotCheck("queue.exists", e));
            return Optional.empty();
        }
        String redrive = attributes.get("RedrivePolicy");
        if (redrive == null || redrive.isBlank()) {
            checks.add(Check.fail(
                    "queue.redrive",
                    url + " has no RedrivePolicy: a poison message is retried until it expires",
                    "set RedrivePolicy {deadLetterTargetArn: <DLQ ARN>, maxReceiveCount: 10} (infra does)"));
        } else {
            try {
                JsonNode policy = JSON.readTree(redrive);
                int maxReceiveCount = policy.path("maxReceiveCount").asInt(0);
                String dlq = policy.path("deadLetterTargetArn").asText("?");
                if (maxReceiveCount >= MIN_MAX_RECEIVE_COUNT) {
                    checks.add(Check.ok("queue.redrive", "maxReceiveCount=" + maxReceiveCount + " → " + dlq));
                } else {
                    checks.add(Check.fail(
                            "queue.redrive",
                            "maxReceiveCount=" + maxReceiveCount + " is below " + MIN_MAX_RECEIVE_COUNT
                                    + ": a short throttling dead-letters sign-ups",
                            "raise maxReceiveCount to at least " + MIN_MAX_RECEIVE_COUNT));
                }
            } catch (JsonProcessingException e) {
                checks.add(Check.fail("queue.redrive", "unreadable RedrivePolicy: " + redrive, ""));
            }
        }
        if (target.provisioner().isEmpty()) {
            checks.add(Check.warn(
                    "queue.visibility", "skipped: --provisioner (PROVISIONER_FUNCTION) would enable it", ""));
        } else {
            checkVisibility(target.provisioner().get(), attributes.get("VisibilityTimeout"), checks);
        }
        return Optional.ofNullable(attributes.get("QueueArn"));
    }

    private void checkVisibility(String provisioner, String visibilityValue, List<Check> checks) {
        try {
            int timeout = lambda.getFunctionConfiguration(r -> r.functionName(provisioner))
                    .timeout();
            int visibility = Integer.parseInt(visibilityValue);
            String detail = "VisibilityTimeout=" + visibility + "s, provisioner Timeout=" + timeout + "s";
            if (visibility >= VISIBILITY_FACTOR * timeout) {
                checks.add(Check.ok("queue.visibility", detail));
            } else {
                checks.add(Check.fail(
                        "queue.visibility",
                        detail + ": below " + VISIBILITY_FACTOR + "× the timeout, messages reappear while in flight",
                        "set VisibilityTimeout to at least " + VISIBILITY_FACTOR * timeout + "s"));
            }
        } catch (SdkException | NumberFormatException e) {
            checks.add(couldNotCheck("queue.visibility", e));
        }
    }

    // ---- 4: event source mapping ---------------------------------------------------------------

    private void checkMapping(Target target, Optional<String> queueArn, List<Check> checks) {
        if (target.provisioner().isEmpty() || queueArn.isEmpty()) {
            checks.add(Check.warn(
                    "mapping",
                    "skipped: --provisioner (PROVISIONER_FUNCTION) and a readable --queue-url would enable it",
                    ""));
            return;
        }
        List<EventSourceMappingConfiguration> mappings;
        try {
            mappings = lambda.listEventSourceMappings(
                            r -> r.functionName(target.provisioner().get()).eventSourceArn(queueArn.get()))
                    .eventSourceMappings();
        } catch (SdkException e) {
            checks.add(couldNotCheck("mapping", e));
            return;
        }
        if (mappings.isEmpty()) {
            checks.add(Check.fail(
                    "mapping",
                    "no event source mapping from " + queueArn.get() + " to "
                            + target.provisioner().get(),
                    "deploy the stack (infra) or aws lambda create-event-source-mapping"));
            return;
        }
        EventSourceMappingConfiguration mapping = mappings.get(0);
        String id = "mapping " + mapping.uuid();
        if ("Enabled".equalsIgnoreCase(mapping.state())) {
            checks.add(Check.ok("mapping.enabled", id + " is Enabled"));
        } else {
            checks.add(Check.fail(
                    "mapping.enabled",
                    id + " is " + mapping.state(),
                    "aws lambda update-event-source-mapping --uuid " + mapping.uuid() + " --enabled"));
        }
        if (mapping.functionResponseTypes().contains(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES)) {
            checks.add(Check.ok("mapping.batch-item-failures", "ReportBatchItemFailures is on"));
        } else {
            checks.add(Check.fail(
                    "mapping.batch-item-failures",
                    "ReportBatchItemFailures is off: one failed record retries the whole batch",
                    "aws lambda update-event-source-mapping --uuid " + mapping.uuid()
                            + " --function-response-types ReportBatchItemFailures"));
        }
        Integer maximum =
                mapping.scalingConfig() == null ? null : mapping.scalingConfig().maximumConcurrency();
        if (maximum != null) {
            checks.add(Check.ok("mapping.max-concurrency", "MaximumConcurrency=" + maximum));
        } else {
            checks.add(Check.warn(
                    "mapping.max-concurrency",
                    "no ScalingConfig.MaximumConcurrency: a burst of sign-ups may take the account's concurrency",
                    "aws lambda update-event-source-mapping --uuid " + mapping.uuid()
                            + " --scaling-config MaximumConcurrency=<N>"));
        }
    }

    // ---- 5: table ------------------------------------------------------------------------------

    private void checkTable(Target target, List<Check> checks) {
        if (target.table().isEmpty()) {
            checks.add(Check.warn("table", "skipped: --table (TABLE_NAME) would enable it", ""));
            return;
        }
        String name = target.table().get();
        try {
            TableDescription table =
                    dynamoDb.describeTable(r -> r.tableName(name)).table();
            List<KeySchemaElement> keys = table.keySchema();
            boolean hashOnAccountId = keys.size() == 1
                    && keys.get(0).attributeName().equals("accountId")
                    && keys.get(0).keyTypeAsString().equals("HASH");
            boolean string = table.attributeDefinitions().stream()
                    .filter(d -> d.attributeName().equals("accountId"))
                    .map(AttributeDefinition::attributeTypeAsString)
                    .anyMatch("S"::equals);
            if (hashOnAccountId && string) {
                checks.add(Check.ok("table", name + " key accountId (HASH, S), " + table.tableStatusAsString()));
            } else {
                checks.add(Check.fail(
                        "table",
                        name + " has key " + keys + ", expected accountId (HASH, S) alone",
                        "point --table (TABLE_NAME) at the accounts table the stack created"));
            }
        } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException e) {
            checks.add(Check.fail("table", "no table " + name, "check --table and the region"));
        } catch (SdkException e) {
            checks.add(couldNotCheck("table", e));
        }
    }

    // ---- 6: SES --------------------------------------------------------------------------------

    private void checkSender(Target target, List<Check> checks) {
        if (target.sender().isEmpty()) {
            checks.add(Check.warn("ses.sender", "skipped: --sender (SENDER_ADDRESS) would enable it", ""));
            return;
        }
        String sender = target.sender().get();
        String domain = sender.substring(sender.indexOf('@') + 1);
        try {
            Map<String, IdentityVerificationAttributes> attributes = ses.getIdentityVerificationAttributes(
                            r -> r.identities(sender, domain))
                    .verificationAttributes();
            Optional<String> verified = List.of(sender, domain).stream()
                    .filter(id -> attributes.containsKey(id)
                            && attributes.get(id).verificationStatus() == VerificationStatus.SUCCESS)
                    .findFirst();
            if (verified.isPresent()) {
                checks.add(Check.ok("ses.sender", "identity " + verified.get() + " is verified"));
            } else {
                checks.add(Check.warn(
                        "ses.sender",
                        "neither " + sender + " nor " + domain + " is a verified SES identity: welcome emails fail",
                        "aws ses verify-email-identity --email-address " + sender + " (then click the link)"));
            }
        } catch (SdkException e) {
            checks.add(couldNotCheck("ses.sender", e));
        }
    }

    private static Check couldNotCheck(String name, Exception e) {
        return Check.warn(name, "could not check: " + e.getClass().getSimpleName() + ": " + e.getMessage(), "");
    }
}
