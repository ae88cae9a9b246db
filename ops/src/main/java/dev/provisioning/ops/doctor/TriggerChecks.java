package dev.provisioning.ops.doctor;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.provisioning.common.Deployment;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolType;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;

/**
 * Checks 1 and 2: the pool exists, its PostConfirmation names the trigger, and the trigger's resource policy lets
 * Cognito invoke it for this pool (SourceArn) and account (SourceAccount). With {@code --fix} it adds the one
 * missing permission; it never removes a statement and never calls UpdateUserPool, which resets every pool
 * setting it is not given.
 */
final class TriggerChecks {

    private static final String COGNITO_PRINCIPAL = Deployment.COGNITO_PRINCIPAL;

    private final CognitoIdentityProviderClient cognito;
    private final LambdaClient lambda;

    TriggerChecks(CognitoIdentityProviderClient cognito, LambdaClient lambda) {
        this.cognito = cognito;
        this.lambda = lambda;
    }

    void check(Target target, boolean fix, List<Check> checks) {
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
            checks.add(Check.couldNotCheck("pool.exists", e));
            return;
        }
        String poolArn = pool.arn();
        checks.add(Check.ok("pool.exists", poolArn));

        String configured =
                pool.lambdaConfig() == null ? null : pool.lambdaConfig().postConfirmation();
        Invoked invokedFunction = postConfirmation(target, poolId, configured, checks);
        String invoked = invokedFunction.function();
        boolean mayFix = invokedFunction.mayFix();
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

    /**
     * The function whose permission matters: the one Cognito actually invokes.
     *
     * @param mayFix false when the pool invokes another function than {@code --function}: granting Cognito a
     *     function the pool should not invoke would hide the miswiring, not fix it
     */
    private record Invoked(String function, boolean mayFix) {}

    private static Invoked postConfirmation(Target target, String poolId, String configured, List<Check> checks) {
        if (configured == null) {
            checks.add(Check.fail(
                    "pool.post-confirmation",
                    "the pool has no PostConfirmation trigger",
                    manualLambdaConfigSteps(poolId, target.function().orElse("<trigger alias ARN>"))));
            // Checked (and with --fix, prepared) on --function, ready for when the pool is wired to it.
            return new Invoked(target.function().orElse(null), true);
        }
        if (target.function().isPresent()
                && !FunctionRef.sameFunction(configured, target.function().get())) {
            checks.add(Check.fail(
                    "pool.post-confirmation",
                    "PostConfirmation is " + configured + ", expected "
                            + target.function().get(),
                    manualLambdaConfigSteps(poolId, target.function().get())));
            return new Invoked(configured, false);
        }
        checks.add(Check.ok("pool.post-confirmation", configured));
        return new Invoked(configured, true);
    }

    /** @param fixable whether {@code --fix} would add the permission, so the hint may offer it */
    private List<Check> checkPermission(String function, String poolId, String poolArn, boolean fixable) {
        String name = "pool.trigger-permission";
        FunctionRef ref = FunctionRef.parse(function);
        String account = FunctionRef.accountOf(poolArn);
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
            return List.of(Check.couldNotCheck(name, e));
        }
        List<InvokeStatement> statements;
        try {
            statements = InvokeStatement.cognitoStatements(policy);
        } catch (JsonProcessingException e) {
            return List.of(
                    Check.skip(name, "could not check: unreadable policy of " + ref + ": " + e.getOriginalMessage()));
        }
        Grants grants = classify(statements, ref, poolArn, account);
        List<Check> checks = new ArrayList<>(grants.warnings());
        checks.add(0, verdict(grants, ref, poolId, poolArn, account, missingHint));
        return checks;
    }

    /**
     * What the statements grant this pool: the first fully scoped one, one without SourceAccount, one for any pool;
     * the rest are warnings (unevaluated conditions, another account, another pool).
     */
    private record Grants(
            InvokeStatement scoped, InvokeStatement withoutAccount, InvokeStatement anyPool, List<Check> warnings) {}

    private static Grants classify(List<InvokeStatement> statements, FunctionRef ref, String poolArn, String account) {
        String name = "pool.trigger-permission";
        List<Check> checks = new ArrayList<>();
        InvokeStatement scoped = null;
        InvokeStatement withoutAccount = null;
        InvokeStatement anyPool = null;
        for (InvokeStatement statement : statements) {
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
        return new Grants(scoped, withoutAccount, anyPool, List.copyOf(checks));
    }

    private static Check verdict(
            Grants grants, FunctionRef ref, String poolId, String poolArn, String account, String missingHint) {
        String name = "pool.trigger-permission";
        InvokeStatement scoped = grants.scoped();
        InvokeStatement withoutAccount = grants.withoutAccount();
        InvokeStatement anyPool = grants.anyPool();
        if (scoped != null) {
            return Check.ok(
                    name,
                    "SourceArn matches " + poolArn + " and SourceAccount " + account + " (statement " + scoped.sid()
                            + " on " + ref + ")");
        } else if (withoutAccount != null) {
            return Check.warn(
                    name,
                    "SourceArn matches " + poolArn + " (statement " + withoutAccount.sid() + " on " + ref
                            + ") but has no SourceAccount",
                    replaceHint(ref, poolId, poolArn, withoutAccount.sid()));
        } else if (anyPool != null) {
            return Check.warn(
                    name,
                    "statement " + anyPool.sid() + " lets " + COGNITO_PRINCIPAL + " invoke " + ref
                            + " without a SourceArn: any pool"
                            + (anyPool.restrictsSourceAccount() ? " of account " + account : "") + " may",
                    replaceHint(ref, poolId, poolArn, anyPool.sid()));
        } else {
            return Check.fail(
                    name,
                    "no statement allows " + COGNITO_PRINCIPAL + " with SourceArn " + poolArn
                            + " and SourceAccount " + account + " on " + ref
                            + ": Cognito is denied (AccessDeniedException / UnexpectedLambdaException)",
                    missingHint);
        }
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
                .sourceAccount(FunctionRef.accountOf(poolArn)));
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
                + COGNITO_PRINCIPAL + " --source-arn " + poolArn + " --source-account "
                + FunctionRef.accountOf(poolArn);
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
}
