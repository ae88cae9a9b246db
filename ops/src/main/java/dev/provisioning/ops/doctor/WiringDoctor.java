package dev.provisioning.ops.doctor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provisioning.common.AccountItem;
import dev.provisioning.common.Deployment;
import dev.provisioning.common.EmailAddresses;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryDescription;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.SSEStatus;
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
 * Checks the deployed wiring (pool → trigger, the trigger's invoke permission, queue and DLQ, mappings,
 * table, SES identity) and, when asked, adds the one missing piece it may add: the invoke permission for
 * the pool's current ARN. It never removes a statement and never calls UpdateUserPool, which resets every
 * pool setting it is not given. The caller owns the clients.
 */
final class WiringDoctor {

    private static final String COGNITO_PRINCIPAL = Deployment.COGNITO_PRINCIPAL;
    private static final int MIN_MAX_RECEIVE_COUNT = Deployment.MAX_RECEIVE_COUNT;
    private static final int DLQ_RETENTION_SECONDS = (int) Deployment.DLQ_RETENTION.toSeconds();

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A check's verdict; SKIP means it could not run (an option missing, access denied), so nothing is known. */
    enum Status {
        OK,
        WARN,
        FAIL,
        SKIP
    }

    /** The verdict of a whole run and its exit code; usage errors (2) and crashes (4) are the command's. */
    enum Result {
        /** Every check ran and none failed; WARN lines are advice. */
        OK(0),
        /** At least one check failed. */
        FAIL(1),
        /** No check failed, but at least one could not run: the wiring is not proven. */
        INCOMPLETE(3);

        final int exitCode;

        Result(int exitCode) {
            this.exitCode = exitCode;
        }
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

        static Check skip(String name, String detail) {
            return new Check(name, Status.SKIP, detail, "");
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

        Result result() {
            if (count(Status.FAIL) > 0) {
                return Result.FAIL;
            }
            return count(Status.SKIP) > 0 ? Result.INCOMPLETE : Result.OK;
        }

        int exitCode() {
            return result().exitCode;
        }

        void print(PrintStream out) {
            for (Check check : checks) {
                out.printf("%-4s %s  %s%n", check.status(), check.name(), check.detail());
                if (!check.fix().isEmpty()) {
                    out.println("       fix: " + check.fix());
                }
            }
            out.printf(
                    "doctor ok=%d warn=%d fail=%d skip=%d result=%s%n",
                    count(Status.OK), count(Status.WARN), count(Status.FAIL), count(Status.SKIP), result());
        }

        String toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("checks", checks);
            json.put("ok", count(Status.OK));
            json.put("warn", count(Status.WARN));
            json.put("fail", count(Status.FAIL));
            json.put("skip", count(Status.SKIP));
            json.put("result", result());
            json.put("exitCode", exitCode());
            try {
                return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Could not write the doctor report as JSON", e);
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
        Optional<Queue> queue = checkQueue(target, checks);
        List<EventSourceMappingConfiguration> mappings = checkMappings(target, queue, checks);
        checkVisibility(target, queue, mappings, checks);
        checkTable(target, checks);
        checkSender(target, checks);
        return new Report(List.copyOf(checks));
    }

    // ---- 1 + 2: pool, LambdaConfig, invoke permission -------------------------------------------

    private void checkPoolAndTrigger(Target target, boolean fix, List<Check> checks) {
        if (target.poolId().isEmpty()) {
            checks.add(Check.skip("pool", "skipped: --pool (USER_POOL_ID) would enable the pool checks"));
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
        // The permission that matters is the one on the function Cognito actually invokes.
        String invoked;
        boolean mayFix = true;
        if (configured == null) {
            checks.add(Check.fail(
                    "pool.post-confirmation",
                    "the pool has no PostConfirmation trigger",
                    manualLambdaConfigSteps(poolId, target.function().orElse("<trigger alias ARN>"))));
            // Checked (and with --fix, prepared) on --function, ready for when the pool is wired to it.
            invoked = target.function().orElse(null);
        } else if (target.function().isPresent()
                && !sameFunction(configured, target.function().get())) {
            checks.add(Check.fail(
                    "pool.post-confirmation",
                    "PostConfirmation is " + configured + ", expected "
                            + target.function().get(),
                    manualLambdaConfigSteps(poolId, target.function().get())));
            invoked = configured;
            // Granting Cognito a function the pool should not invoke would hide the miswiring, not fix it.
            mayFix = false;
        } else {
            checks.add(Check.ok("pool.post-confirmation", configured));
            invoked = configured;
        }
        if (invoked == null) {
            checks.add(Check.skip(
                    "pool.trigger-permission",
                    "skipped: --function (TRIGGER_FUNCTION) would enable it, the pool names no trigger"));
            return;
        }
        List<Check> permission = checkPermission(invoked, poolId, poolArn, mayFix);
        boolean failed = permission.stream().anyMatch(c -> c.status() == Status.FAIL);
        if (failed && fix && !mayFix) {
            checks.add(Check.warn(
                    "pool.trigger-permission.fix",
                    "not applied: the pool invokes " + configured + ", not --function "
                            + target.function().get(),
                    "fix PostConfirmation first (see pool.post-confirmation), or rerun with --function " + configured));
        } else if (failed && fix) {
            Check added = addPermission(invoked, poolId, poolArn);
            checks.add(added);
            if (added.status() == Status.OK) {
                permission = checkPermission(invoked, poolId, poolArn, true);
            }
        }
        checks.addAll(permission);
    }

    /** @param fixable whether {@code --fix} would add the permission, so the hint may offer it */
    private List<Check> checkPermission(String function, String poolId, String poolArn, boolean fixable) {
        String name = "pool.trigger-permission";
        FunctionRef ref = FunctionRef.parse(function);
        String account = accountOf(poolArn);
        String missingHint = fixable
                ? fixHint(ref, poolId, poolArn)
                : "once PostConfirmation is right: " + addCommand(ref, statementId(poolId), poolArn);
        String policy;
        try {
            policy = lambda.getPolicy(r -> r.functionName(ref.unqualified()).qualifier(ref.qualifier()))
                    .policy();
        } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException e) {
            return List.of(Check.fail(
                    name, ref + " has no resource policy (or does not exist): Cognito cannot invoke it", missingHint));
        } catch (SdkException e) {
            return List.of(couldNotCheck(name, e));
        }
        List<Statement> statements;
        try {
            statements = cognitoStatements(policy);
        } catch (JsonProcessingException e) {
            return List.of(
                    Check.skip(name, "could not check: unreadable policy of " + ref + ": " + e.getOriginalMessage()));
        }
        List<Check> checks = new ArrayList<>();
        Statement scoped = null;
        Statement withoutAccount = null;
        Statement anyPool = null;
        for (Statement statement : statements) {
            if (!statement.unsupported().isEmpty()) {
                checks.add(Check.warn(
                        name + ".unevaluated",
                        "statement " + statement.sid() + " has conditions doctor does not evaluate ("
                                + String.join(", ", statement.unsupported()) + "): not counted as allowing this pool",
                        "check it by hand: aws lambda get-policy --function-name " + ref.unqualified()
                                + ref.qualifierOption()));
                continue;
            }
            boolean arnHolds = statement.allowsSourceArn(poolArn);
            boolean accountHolds = statement.allowsSourceAccount(account);
            if (statement.restrictsSourceArn() && arnHolds && accountHolds) {
                if (statement.restrictsSourceAccount()) {
                    scoped = scoped == null ? statement : scoped;
                } else {
                    withoutAccount = withoutAccount == null ? statement : withoutAccount;
                }
            } else if (!statement.restrictsSourceArn() && accountHolds) {
                anyPool = anyPool == null ? statement : anyPool;
            } else if (arnHolds) {
                checks.add(Check.warn(
                        name + ".other-account",
                        "statement " + statement.sid() + " allows SourceAccount " + statement.describeSourceAccount()
                                + ", not the pool's account " + account + ": it does not let this pool invoke",
                        "once sure nothing uses it: " + removeCommand(ref, statement.sid())));
            } else {
                checks.add(Check.warn(
                        name + ".stale",
                        "statement " + statement.sid() + " allows " + statement.describeSourceArn()
                                + ", not this pool: harmless but misleading",
                        "once sure no pool uses it: " + removeCommand(ref, statement.sid())));
            }
        }
        if (scoped != null) {
            checks.add(
                    0,
                    Check.ok(
                            name,
                            "SourceArn matches " + poolArn + " and SourceAccount " + account + " (statement "
                                    + scoped.sid() + " on " + ref + ")"));
        } else if (withoutAccount != null) {
            checks.add(
                    0,
                    Check.warn(
                            name,
                            "SourceArn matches " + poolArn + " (statement " + withoutAccount.sid() + " on " + ref
                                    + ") but has no SourceAccount",
                            replaceHint(ref, poolId, poolArn, withoutAccount.sid())));
        } else if (anyPool != null) {
            checks.add(
                    0,
                    Check.warn(
                            name,
                            "statement " + anyPool.sid() + " lets " + COGNITO_PRINCIPAL + " invoke " + ref
                                    + " without a SourceArn: any pool"
                                    + (anyPool.restrictsSourceAccount() ? " of account " + account : "") + " may",
                            replaceHint(ref, poolId, poolArn, anyPool.sid())));
        } else {
            checks.add(
                    0,
                    Check.fail(
                            name,
                            "no statement allows " + COGNITO_PRINCIPAL + " with SourceArn " + poolArn
                                    + " and SourceAccount " + account + " on " + ref
                                    + ": Cognito is denied (AccessDeniedException / UnexpectedLambdaException)",
                            missingHint));
        }
        return checks;
    }

    private Check addPermission(String function, String poolId, String poolArn) {
        FunctionRef ref = FunctionRef.parse(function);
        String statementId = statementId(poolId);
        try {
            try {
                add(ref, statementId, poolArn);
            } catch (ResourceConflictException e) {
                // The id is taken by a statement that does not match (e.g. edited by hand): never replace it.
                statementId = statementId + "-" + System.currentTimeMillis() / 1000;
                add(ref, statementId, poolArn);
            }
            return Check.ok(
                    "pool.trigger-permission.fix",
                    "added statement " + statementId + " for SourceArn " + poolArn + " on " + ref);
        } catch (SdkException e) {
            return Check.fail(
                    "pool.trigger-permission.fix",
                    "AddPermission on " + ref + " failed: " + e.getMessage(),
                    fixHint(ref, poolId, poolArn));
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

    private static String statementId(String poolId) {
        return "cognito-post-confirmation-" + poolId;
    }

    /** For a FAIL, which --fix repairs. */
    private static String fixHint(FunctionRef ref, String poolId, String poolArn) {
        return "./pipeline doctor --fix, or: " + addCommand(ref, statementId(poolId), poolArn);
    }

    /** For a statement that allows too much: --fix acts on FAILs only and never edits a statement. */
    private static String replaceHint(FunctionRef ref, String poolId, String poolArn, String sid) {
        return "add a scoped statement, then remove the broad one (doctor --fix only adds a missing permission): "
                + addCommand(ref, statementId(poolId) + "-scoped", poolArn) + "; then " + removeCommand(ref, sid);
    }

    private static String addCommand(FunctionRef ref, String statementId, String poolArn) {
        return "aws lambda add-permission --function-name " + ref.unqualified() + ref.qualifierOption()
                + " --statement-id " + statementId + " --action lambda:InvokeFunction --principal "
                + COGNITO_PRINCIPAL + " --source-arn " + poolArn + " --source-account " + accountOf(poolArn);
    }

    private static String removeCommand(FunctionRef ref, String sid) {
        return "aws lambda remove-permission --function-name " + ref.unqualified() + ref.qualifierOption()
                + " --statement-id " + sid;
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

    /**
     * Whether two names, ARNs or qualified ARNs name the same function and the same qualifier: no qualifier
     * and {@code $LATEST} are the same thing, an alias or version is not. Two full ARNs must also agree on
     * partition, region and account.
     */
    static boolean sameFunction(String a, String b) {
        FunctionRef left = FunctionRef.parse(a);
        FunctionRef right = FunctionRef.parse(b);
        return left.sameFunctionAnyQualifier(right) && Objects.equals(left.qualifier(), right.qualifier());
    }

    /**
     * A function by name, partial ARN ({@code account:function:name}) or ARN, with the alias or version it
     * may carry; {@code $LATEST} is kept as no qualifier, which is what it means.
     *
     * @param arn whether {@code unqualified} is a full ARN (so region and account can be compared)
     */
    record FunctionRef(String name, String unqualified, String qualifier, boolean arn) {

        private static final Pattern PARTIAL_ARN = Pattern.compile("\\d{12}:function:[^:]+(:[^:]+)?");

        static FunctionRef parse(String value) {
            if (value.startsWith("arn:")) {
                // arn:partition:lambda:region:account:function:name[:qualifier]
                String[] parts = value.split(":");
                String name = parts.length > 6 ? parts[6] : value;
                String qualifier = parts.length > 7 ? parts[7] : null;
                String unqualified = String.join(":", Arrays.copyOf(parts, Math.min(parts.length, 7)));
                return new FunctionRef(name, unqualified, normalize(qualifier), true);
            }
            if (PARTIAL_ARN.matcher(value).matches()) {
                String[] parts = value.split(":");
                String qualifier = parts.length > 3 ? parts[3] : null;
                return new FunctionRef(
                        parts[2], String.join(":", parts[0], parts[1], parts[2]), normalize(qualifier), false);
            }
            int colon = value.indexOf(':');
            return colon < 0
                    ? new FunctionRef(value, value, null, false)
                    : new FunctionRef(
                            value.substring(0, colon),
                            value.substring(0, colon),
                            normalize(value.substring(colon + 1)),
                            false);
        }

        private static String normalize(String qualifier) {
            return qualifier == null || qualifier.isEmpty() || qualifier.equals("$LATEST") ? null : qualifier;
        }

        /** The same function, whatever the qualifiers: same name, and the same ARN when both are ARNs. */
        boolean sameFunctionAnyQualifier(FunctionRef other) {
            return name.equals(other.name) && (!arn || !other.arn || unqualified.equals(other.unqualified));
        }

        String qualifierOption() {
            return qualifier == null ? "" : " --qualifier " + qualifier;
        }

        @Override
        public String toString() {
            return qualifier == null ? unqualified : unqualified + ":" + qualifier;
        }
    }

    /**
     * One IAM condition on a key, e.g. {@code ArnLike aws:SourceArn [v1, v2]}: it holds when any value matches
     * (none, for a negated operator).
     *
     * @param operator the operator without {@code ForAnyValue:}/{@code ForAllValues:} and {@code IfExists}
     */
    record Condition(String operator, List<String> values) {

        private static final List<String> SUPPORTED = List.of(
                "StringEquals",
                "StringNotEquals",
                "StringEqualsIgnoreCase",
                "StringNotEqualsIgnoreCase",
                "StringLike",
                "StringNotLike",
                "ArnEquals",
                "ArnNotEquals",
                "ArnLike",
                "ArnNotLike",
                "Null");

        /** The condition, or empty when doctor does not know how the operator behaves. */
        static Optional<Condition> of(String rawOperator, List<String> values) {
            String operator =
                    rawOperator.replaceFirst("^For(Any|All)Values:", "").replaceFirst("IfExists$", "");
            return SUPPORTED.contains(operator) ? Optional.of(new Condition(operator, values)) : Optional.empty();
        }

        boolean holds(String actual) {
            if (operator.equals("Null")) {
                // Cognito always sends aws:SourceArn and aws:SourceAccount: "Null": "false" (present) holds.
                return values.stream().allMatch(v -> v.equalsIgnoreCase("false"));
            }
            boolean negated = operator.contains("Not");
            boolean anyMatches = values.stream().anyMatch(value -> matches(value, actual));
            return negated != anyMatches;
        }

        private boolean matches(String value, String actual) {
            String base = operator.replace("Not", "");
            return switch (base) {
                case "StringEquals" -> value.equals(actual);
                case "StringEqualsIgnoreCase" -> value.equalsIgnoreCase(actual);
                case "StringLike" -> glob(value).matcher(actual).matches();
                // ArnEquals and ArnLike behave alike in IAM: wildcards per colon-separated component.
                case "ArnEquals", "ArnLike" -> arnLike(value, actual);
                default -> false;
            };
        }

        static boolean arnLike(String pattern, String arn) {
            String[] patternParts = pattern.split(":", 6);
            String[] arnParts = arn.split(":", 6);
            if (patternParts.length != 6 || arnParts.length != 6) {
                return false;
            }
            for (int i = 0; i < 6; i++) {
                if (!glob(patternParts[i]).matcher(arnParts[i]).matches()) {
                    return false;
                }
            }
            return true;
        }

        /** IAM's wildcards: {@code *} any run of characters, {@code ?} one character, everything else literal. */
        static Pattern glob(String pattern) {
            StringBuilder regex = new StringBuilder();
            StringBuilder literal = new StringBuilder();
            for (char c : pattern.toCharArray()) {
                if (c == '*' || c == '?') {
                    if (!literal.isEmpty()) {
                        regex.append(Pattern.quote(literal.toString()));
                        literal.setLength(0);
                    }
                    regex.append(c == '*' ? ".*" : ".");
                } else {
                    literal.append(c);
                }
            }
            if (!literal.isEmpty()) {
                regex.append(Pattern.quote(literal.toString()));
            }
            return Pattern.compile(regex.toString(), Pattern.DOTALL);
        }

        @Override
        public String toString() {
            return operator + " " + (values.size() == 1 ? values.get(0) : values.toString());
        }
    }

    /**
     * An Allow statement for Cognito's service principal: every condition on a key must hold (IAM ANDs them).
     *
     * @param unsupported conditions on those keys whose operator doctor cannot evaluate
     */
    record Statement(String sid, List<Condition> sourceArn, List<Condition> sourceAccount, List<String> unsupported) {

        boolean restrictsSourceArn() {
            return !sourceArn.isEmpty();
        }

        boolean restrictsSourceAccount() {
            return !sourceAccount.isEmpty();
        }

        boolean allowsSourceArn(String arn) {
            return sourceArn.stream().allMatch(c -> c.holds(arn));
        }

        boolean allowsSourceAccount(String account) {
            return sourceAccount.stream().allMatch(c -> c.holds(account));
        }

        String describeSourceArn() {
            return sourceArn.stream().map(Condition::toString).collect(Collectors.joining(" and "));
        }

        String describeSourceAccount() {
            return sourceAccount.stream().map(Condition::toString).collect(Collectors.joining(" and "));
        }
    }

    /** The statements letting Cognito invoke; condition keys compared case-insensitively, as IAM does. */
    static List<Statement> cognitoStatements(String policy) throws JsonProcessingException {
        List<Statement> statements = new ArrayList<>();
        for (JsonNode statement : JSON.readTree(policy).path("Statement")) {
            if (!"Allow".equals(statement.path("Effect").asText())
                    || !values(statement.path("Principal").path("Service")).contains(COGNITO_PRINCIPAL)
                    || values(statement.path("Action")).stream()
                            .noneMatch(a -> a.equalsIgnoreCase("lambda:InvokeFunction") || a.equals("lambda:*"))) {
                continue;
            }
            List<Condition> sourceArn = new ArrayList<>();
            List<Condition> sourceAccount = new ArrayList<>();
            List<String> unsupported = new ArrayList<>();
            for (Map.Entry<String, JsonNode> operator :
                    statement.path("Condition").properties()) {
                for (Map.Entry<String, JsonNode> condition : operator.getValue().properties()) {
                    String key = condition.getKey().toLowerCase(Locale.ROOT);
                    if (!key.equals("aws:sourcearn") && !key.equals("aws:sourceaccount")) {
                        continue;
                    }
                    Optional<Condition> parsed = Condition.of(operator.getKey(), values(condition.getValue()));
                    if (parsed.isEmpty()) {
                        unsupported.add(operator.getKey() + " " + condition.getKey());
                    } else if (key.equals("aws:sourcearn")) {
                        sourceArn.add(parsed.get());
                    } else {
                        sourceAccount.add(parsed.get());
                    }
                }
            }
            statements.add(new Statement(
                    statement.path("Sid").asText(""),
                    List.copyOf(sourceArn),
                    List.copyOf(sourceAccount),
                    List.copyOf(unsupported)));
        }
        return statements;
    }

    private static List<String> values(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(v -> values.add(v.asText()));
        } else if (node.isValueNode()) {
            values.add(node.asText());
        }
        return values;
    }

    // ---- 3: queue and DLQ ----------------------------------------------------------------------

    /** What the later checks need of the signup queue. */
    private record Queue(String arn, int visibilitySeconds) {}

    private Optional<Queue> checkQueue(Target target, List<Check> checks) {
        if (target.queueUrl().isEmpty()) {
            checks.add(Check.skip(
                    "queue", "skipped: --queue-url (QUEUE_URL) would enable the queue, DLQ and mapping checks"));
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
        int retention = parseInt(attributes.get("MessageRetentionPeriod"), 345_600);
        String redrive = attributes.get("RedrivePolicy");
        if (redrive == null || redrive.isBlank()) {
            checks.add(Check.fail(
                    "queue.redrive",
                    url + " has no RedrivePolicy: a poison message is retried until it expires",
                    "set RedrivePolicy {deadLetterTargetArn: <DLQ ARN>, maxReceiveCount: " + MIN_MAX_RECEIVE_COUNT
                            + "} (infra does)"));
        } else {
            try {
                JsonNode policy = JSON.readTree(redrive);
                int maxReceiveCount = policy.path("maxReceiveCount").asInt(0);
                String dlq = policy.path("deadLetterTargetArn").asText("");
                if (maxReceiveCount >= MIN_MAX_RECEIVE_COUNT) {
                    checks.add(Check.ok("queue.redrive", "maxReceiveCount=" + maxReceiveCount + " → " + dlq));
                } else {
                    checks.add(Check.fail(
                            "queue.redrive",
                            "maxReceiveCount=" + maxReceiveCount + " is below " + MIN_MAX_RECEIVE_COUNT
                                    + ": a short throttling dead-letters sign-ups",
                            "raise maxReceiveCount to at least " + MIN_MAX_RECEIVE_COUNT + " (infra sets "
                                    + MIN_MAX_RECEIVE_COUNT + ")"));
                }
                if (!dlq.isEmpty()) {
                    checkDeadLetterQueue(dlq, retention, checks);
                }
            } catch (JsonProcessingException e) {
                checks.add(Check.fail("queue.redrive", "unreadable RedrivePolicy: " + redrive, ""));
            }
        }
        return Optional.of(new Queue(attributes.get("QueueArn"), parseInt(attributes.get("VisibilityTimeout"), -1)));
    }

    private void checkDeadLetterQueue(String dlqArn, int queueRetention, List<Check> checks) {
        String name = "queue.dlq-retention";
        int retention;
        String url;
        try {
            url = sqs.getQueueUrl(r -> r.queueName(dlqArn.substring(dlqArn.lastIndexOf(':') + 1))
                            .queueOwnerAWSAccountId(accountOf(dlqArn)))
                    .queueUrl();
            retention = parseInt(
                    sqs.getQueueAttributes(
                                    r -> r.queueUrl(url).attributeNames(QueueAttributeName.MESSAGE_RETENTION_PERIOD))
                            .attributesAsStrings()
                            .get("MessageRetentionPeriod"),
                    -1);
        } catch (software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException e) {
            checks.add(Check.fail(
                    "queue.dlq",
                    "the RedrivePolicy names " + dlqArn + ", which does not exist: SQS cannot dead-letter anything",
                    "recreate the DLQ or point RedrivePolicy at an existing queue (infra creates both)"));
            return;
        } catch (SdkException e) {
            checks.add(couldNotCheck(name, e));
            return;
        }
        String detail = "DLQ " + url + " keeps messages " + days(retention) + ", the queue " + days(queueRetention);
        String fix = "aws sqs set-queue-attributes --queue-url " + url + " --attributes MessageRetentionPeriod="
                + DLQ_RETENTION_SECONDS + " (14 days, as infra sets)";
        if (retention <= queueRetention) {
            // A dead-lettered message keeps its original enqueue time, so it can expire the moment it arrives.
            checks.add(Check.fail(
                    name,
                    detail + ": not longer than the queue's, so a dead-lettered sign-up may expire on arrival",
                    fix));
        } else if (retention < DLQ_RETENTION_SECONDS) {
            checks.add(Check.warn(name, detail + ": less than 14 days to inspect and redrive", fix));
        } else {
            checks.add(Check.ok(name, detail));
        }
    }

    private static String days(int seconds) {
        return seconds % 86_400 == 0 ? seconds / 86_400 + " d" : seconds + " s";
    }

    private static int parseInt(String value, int fallback) {
        try {
            return value == null ? fallback : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    // ---- 4: event source mappings --------------------------------------------------------------

    private List<EventSourceMappingConfiguration> checkMappings(
            Target target, Optional<Queue> queue, List<Check> checks) {
        if (target.provisioner().isEmpty() || queue.isEmpty() || queue.get().arn() == null) {
            checks.add(Check.skip(
                    "mapping",
                    "skipped: --provisioner (PROVISIONER_FUNCTION) and a readable --queue-url would enable it"));
            return List.of();
        }
        String queueArn = queue.get().arn();
        FunctionRef provisioner = FunctionRef.parse(target.provisioner().get());
        List<EventSourceMappingConfiguration> all = new ArrayList<>();
        try {
            // By queue, not by function: a name lists only the mappings on that exact qualifier, and the
            // stack's mapping is on the alias.
            lambda.listEventSourceMappingsPaginator(r -> r.eventSourceArn(queueArn))
                    .eventSourceMappings()
                    .forEach(all::add);
        } catch (SdkException e) {
            checks.add(couldNotCheck("mapping", e));
            return List.of();
        }
        List<EventSourceMappingConfiguration> mine = new ArrayList<>();
        for (EventSourceMappingConfiguration mapping : all) {
            if (FunctionRef.parse(mapping.functionArn()).sameFunctionAnyQualifier(provisioner)) {
                mine.add(mapping);
            } else {
                boolean enabled = isEnabled(mapping);
                Check other = new Check(
                        "mapping.other-consumer",
                        enabled ? Status.FAIL : Status.WARN,
                        "mapping " + mapping.uuid() + " (" + mapping.state() + ") also consumes the queue into "
                                + mapping.functionArn() + ": sign-ups it takes never reach the provisioner",
                        "unless meant: aws lambda delete-event-source-mapping --uuid " + mapping.uuid());
                checks.add(other);
            }
        }
        if (mine.isEmpty()) {
            checks.add(Check.fail(
                    "mapping",
                    "no event source mapping from " + queueArn + " to " + provisioner.name() + " (any qualifier)",
                    "deploy the stack (infra) or aws lambda create-event-source-mapping"));
            return List.of();
        }
        if (mine.size() > 1) {
            checks.add(Check.warn(
                    "mapping.count",
                    mine.size() + " mappings consume the queue into " + provisioner.name() + ": each polls it, and"
                            + " MaximumConcurrency is per mapping, so their limits add up",
                    "keep the one on alias live (infra's) and delete the others"));
        }
        for (EventSourceMappingConfiguration mapping : mine) {
            checkMapping(mapping, checks);
        }
        return List.copyOf(mine);
    }

    private void checkMapping(EventSourceMappingConfiguration mapping, List<Check> checks) {
        String id = "mapping " + mapping.uuid();
        boolean reportsFailures =
                mapping.functionResponseTypes().contains(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES);
        Integer maximum =
                mapping.scalingConfig() == null ? null : mapping.scalingConfig().maximumConcurrency();
        checks.add(Check.ok(
                "mapping",
                id + " → " + mapping.functionArn() + ": State=" + mapping.state() + ", BatchSize="
                        + mapping.batchSize() + ", MaximumBatchingWindowInSeconds=" + window(mapping)
                        + ", ReportBatchItemFailures=" + (reportsFailures ? "on" : "off") + ", MaximumConcurrency="
                        + (maximum == null ? "none" : maximum)));
        if (isEnabled(mapping)) {
            checks.add(Check.ok("mapping.enabled", id + " is Enabled"));
        } else {
            checks.add(Check.fail(
                    "mapping.enabled",
                    id + " is " + mapping.state(),
                    "aws lambda update-event-source-mapping --uuid " + mapping.uuid() + " --enabled"));
        }
        if (reportsFailures) {
            checks.add(Check.ok("mapping.batch-item-failures", id + ": ReportBatchItemFailures is on"));
        } else {
            checks.add(Check.fail(
                    "mapping.batch-item-failures",
                    id + ": ReportBatchItemFailures is off: one failed record retries the whole batch",
                    "aws lambda update-event-source-mapping --uuid " + mapping.uuid()
                            + " --function-response-types ReportBatchItemFailures"));
        }
        if (maximum != null) {
            checks.add(Check.ok("mapping.max-concurrency", id + ": MaximumConcurrency=" + maximum));
        } else {
            checks.add(Check.warn(
                    "mapping.max-concurrency",
                    id
                            + ": no ScalingConfig.MaximumConcurrency: a burst of sign-ups may take the account's concurrency",
                    "aws lambda update-event-source-mapping --uuid " + mapping.uuid()
                            + " --scaling-config MaximumConcurrency=<N>"));
        }
        if (FunctionRef.parse(mapping.functionArn()).qualifier() == null) {
            checks.add(Check.warn(
                    "mapping.qualifier",
                    id + " invokes the unqualified function ($LATEST): SnapStart applies to published versions only",
                    "map the queue to the alias live instead (infra does)"));
        }
    }

    private static boolean isEnabled(EventSourceMappingConfiguration mapping) {
        return "Enabled".equalsIgnoreCase(mapping.state());
    }

    private static int window(EventSourceMappingConfiguration mapping) {
        return mapping.maximumBatchingWindowInSeconds() == null ? 0 : mapping.maximumBatchingWindowInSeconds();
    }

    // ---- 3 + 4: visibility against the function timeout and the batching window ---------------

    private void checkVisibility(
            Target target, Optional<Queue> queue, List<EventSourceMappingConfiguration> mappings, List<Check> checks) {
        String name = "queue.visibility";
        if (target.provisioner().isEmpty()) {
            checks.add(Check.skip(name, "skipped: --provisioner (PROVISIONER_FUNCTION) would enable it"));
            return;
        }
        if (queue.isEmpty()) {
            return; // the queue line already says why
        }
        // The timeout of what the mapping invokes (an alias's version may differ from $LATEST), else --provisioner.
        Map<String, Integer> windows = new LinkedHashMap<>();
        if (mappings.isEmpty()) {
            windows.put(target.provisioner().get(), 0);
        }
        mappings.forEach(m -> windows.merge(m.functionArn(), window(m), Math::max));
        String worst = null;
        int required = -1;
        String reason = "";
        try {
            for (Map.Entry<String, Integer> entry : windows.entrySet()) {
                FunctionRef ref = FunctionRef.parse(entry.getKey());
                int timeout = lambda.getFunctionConfiguration(
                                r -> r.functionName(ref.unqualified()).qualifier(ref.qualifier()))
                        .timeout();
                int needed = Deployment.visibilityTimeoutSeconds(timeout, entry.getValue());
                if (needed > required) {
                    required = needed;
                    worst = ref.toString();
                    reason = Deployment.VISIBILITY_FACTOR + " × Timeout " + timeout + "s + batching window "
                            + entry.getValue() + "s";
                }
            }
        } catch (SdkException e) {
            checks.add(couldNotCheck(name, e));
            return;
        }
        int visibility = queue.get().visibilitySeconds();
        String detail = "VisibilityTimeout=" + visibility + "s, needs at least " + required + "s (" + reason + " of "
                + worst + (mappings.isEmpty() ? "; no mapping found, so no window counted" : "") + ")";
        if (visibility >= required) {
            checks.add(Check.ok(name, detail));
        } else {
            checks.add(Check.fail(
                    name,
                    detail + ": messages reappear while still in flight and are processed twice",
                    "set VisibilityTimeout to at least " + required
                            + "s (infra derives it: 6 × provisionerTimeoutSeconds" + " + batchingWindowSeconds)"));
        }
    }

    // ---- 5: table ------------------------------------------------------------------------------

    private void checkTable(Target target, List<Check> checks) {
        if (target.table().isEmpty()) {
            checks.add(Check.skip("table", "skipped: --table (TABLE_NAME) would enable it"));
            return;
        }
        String name = target.table().get();
        TableDescription table;
        try {
            table = dynamoDb.describeTable(r -> r.tableName(name)).table();
        } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException e) {
            checks.add(Check.fail("table", "no table " + name, "check --table and the region"));
            return;
        } catch (SdkException e) {
            checks.add(couldNotCheck("table", e));
            return;
        }
        List<KeySchemaElement> keys = table.keySchema();
        boolean hashOnAccountId = keys.size() == 1
                && keys.get(0).attributeName().equals(AccountItem.KEY)
                && keys.get(0).keyTypeAsString().equals("HASH");
        boolean string = table.attributeDefinitions().stream()
                .filter(d -> d.attributeName().equals(AccountItem.KEY))
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
        // A table created with provisioned capacity has no BillingModeSummary.
        BillingMode billing = table.billingModeSummary() == null
                ? BillingMode.PROVISIONED
                : table.billingModeSummary().billingMode();
        if (billing == BillingMode.PAY_PER_REQUEST) {
            checks.add(Check.ok("table.billing", name + " is on demand (PAY_PER_REQUEST)"));
        } else {
            checks.add(Check.warn(
                    "table.billing",
                    name + " has provisioned capacity: a burst of sign-ups is throttled and provisioned late",
                    "aws dynamodb update-table --table-name " + name + " --billing-mode PAY_PER_REQUEST (infra's)"));
        }
        if (Boolean.TRUE.equals(table.deletionProtectionEnabled())) {
            checks.add(Check.ok("table.deletion-protection", name + " has deletion protection"));
        } else {
            checks.add(Check.warn(
                    "table.deletion-protection",
                    name + " has no deletion protection: one call deletes every account",
                    "aws dynamodb update-table --table-name " + name + " --deletion-protection-enabled"));
        }
        if (table.sseDescription() != null && table.sseDescription().status() == SSEStatus.ENABLED) {
            checks.add(Check.ok(
                    "table.sse",
                    name + " is encrypted with KMS (" + table.sseDescription().sseTypeAsString() + ", "
                            + table.sseDescription().kmsMasterKeyArn() + ")"));
        } else {
            checks.add(Check.warn(
                    "table.sse",
                    name + " uses the AWS owned key (the default), not the AWS managed KMS key the stack sets,"
                            + " so key use is not in CloudTrail",
                    "aws dynamodb update-table --table-name " + name
                            + " --sse-specification Enabled=true,SSEType=KMS"));
        }
        try {
            PointInTimeRecoveryDescription pitr = dynamoDb.describeContinuousBackups(r -> r.tableName(name))
                    .continuousBackupsDescription()
                    .pointInTimeRecoveryDescription();
            if (pitr != null && pitr.pointInTimeRecoveryStatus() == PointInTimeRecoveryStatus.ENABLED) {
                checks.add(Check.ok("table.pitr", name + " has point-in-time recovery"));
            } else {
                checks.add(Check.warn(
                        "table.pitr",
                        name + " has no point-in-time recovery: a bad write or delete cannot be undone",
                        "aws dynamodb update-continuous-backups --table-name " + name
                                + " --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true"));
            }
        } catch (SdkException e) {
            checks.add(couldNotCheck("table.pitr", e));
        }
    }

    // ---- 6: SES --------------------------------------------------------------------------------

    private void checkSender(Target target, List<Check> checks) {
        if (target.sender().isEmpty()) {
            checks.add(Check.skip("ses.sender", "skipped: --sender (SENDER_ADDRESS) would enable it"));
            return;
        }
        String sender = target.sender().get();
        List<String> identities = EmailAddresses.senderIdentities(sender);
        Map<String, IdentityVerificationAttributes> attributes;
        try {
            attributes = ses.getIdentityVerificationAttributes(r -> r.identities(identities))
                    .verificationAttributes();
        } catch (SdkException e) {
            checks.add(couldNotCheck("ses.sender", e));
            return;
        }
        // SES uses the most specific verified identity: the address, else its domain, else a parent domain.
        Optional<String> verified = identities.stream()
                .filter(id -> attributes.containsKey(id)
                        && attributes.get(id).verificationStatus() == VerificationStatus.SUCCESS)
                .findFirst();
        String statuses = identities.stream()
                .map(id -> id + ": "
                        + (attributes.containsKey(id)
                                ? attributes.get(id).verificationStatusAsString()
                                : "not an identity"))
                .collect(Collectors.joining(", "));
        if (verified.isPresent()) {
            String identity = verified.get();
            checks.add(Check.ok(
                    "ses.sender",
                    "sends from " + sender + " use the verified " + (identity.contains("@") ? "address" : "domain")
                            + " identity " + identity + " (the role needs ses:SendEmail on identity/" + identity
                            + "; " + statuses + ")"));
        } else {
            String domain = sender.substring(sender.lastIndexOf('@') + 1);
            checks.add(Check.fail(
                    "ses.sender",
                    "no verified SES identity for " + sender + " (" + statuses + "): every welcome email fails",
                    "aws ses verify-email-identity --email-address " + sender
                            + " (then click the link), or verify the domain: aws ses verify-domain-identity --domain "
                            + domain));
        }
    }

    private static Check couldNotCheck(String name, Exception e) {
        return Check.skip(name, "could not check: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
}
