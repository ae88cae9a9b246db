package dev.provisioning.infra;

import dev.provisioning.common.Deployment;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnRule;
import software.amazon.awscdk.CfnRuleAssertion;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cognito.IUserPool;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.CfnPermission;
import software.amazon.awscdk.services.lambda.Permission;
import software.constructs.IConstruct;

/**
 * The one permission that lets Cognito invoke the trigger alias: SourceArn the pool's ARN and SourceAccount this
 * account, whether the stack created the pool (CDK generates the permission, this adds SourceAccount) or imports it
 * (this grants it, and a rule pins the stack to the pool's region). Exactly one must exist; the stack fails at
 * synth otherwise.
 */
final class CognitoInvokePermission {

    private CognitoInvokePermission() {}

    static CfnPermission forImportedPool(Stack stack, Alias alias, IUserPool userPool, String userPoolId) {
        // The pool is not ours: CloudFormation cannot set its LambdaConfig without owning it, and UpdateUserPool
        // resets every setting it is not given. So the stack grants the invoke permission scoped to this pool's
        // ARN in this account, and the operator points the pool's PostConfirmation at the alias (`doctor` checks it).
        String poolRegion = userPoolId.substring(0, userPoolId.indexOf('_'));
        CfnRule.Builder.create(stack, "ImportedUserPoolRegion")
                .assertions(List.of(CfnRuleAssertion.builder()
                        .assertValue(Fn.conditionEquals(Aws.REGION, poolRegion))
                        .assertDescription("userPoolId " + userPoolId + " lives in " + poolRegion
                                + ": deploy this stack to that region (Cognito invokes triggers in its own region)")
                        .build()))
                .build();
        alias.addPermission(
                "ImportedUserPoolInvoke",
                Permission.builder()
                        .principal(new ServicePrincipal(Deployment.COGNITO_PRINCIPAL))
                        .action("lambda:InvokeFunction")
                        .sourceArn(userPool.getUserPoolArn())
                        .sourceAccount(Aws.ACCOUNT_ID)
                        .build());
        return find(stack, alias);
    }

    static CfnPermission requireSourceAccount(Stack stack, Alias alias) {
        // UserPool.addTrigger generates the permission with SourceArn = the pool's GetAtt Arn, but without
        // SourceAccount; add it rather than replace the permission, so CDK keeps owning its wiring.
        CfnPermission generated = find(stack, alias);
        if (generated.getSourceAccount() == null) {
            generated.setSourceAccount(Aws.ACCOUNT_ID);
        }
        return generated;
    }

    private static CfnPermission find(Stack stack, Alias alias) {
        List<CfnPermission> found = new ArrayList<>();
        // CDK scopes the generated permission under the user pool, ours under the alias: search the whole stack.
        Object aliasArn = stack.resolve(alias.getFunctionArn());
        for (IConstruct child : stack.getNode().findAll()) {
            if (child instanceof CfnPermission permission
                    && Deployment.COGNITO_PRINCIPAL.equals(stack.resolve(permission.getPrincipal()))
                    && aliasArn.equals(stack.resolve(permission.getFunctionName()))) {
                found.add(permission);
            }
        }
        if (found.size() != 1) {
            throw new IllegalStateException(
                    "expected exactly one cognito-idp invoke permission for the trigger alias, found " + found.size());
        }
        return found.get(0);
    }
}
