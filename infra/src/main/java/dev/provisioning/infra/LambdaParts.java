package dev.provisioning.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Function;
import software.constructs.Construct;

/** What both functions' constructs build the same way: a bare execution role and allow statements. */
final class LambdaParts {

    private LambdaParts() {}

    /**
     * An execution role with no managed policies (AWSLambdaBasicExecutionRole writes to any log group): each
     * function gets write access to its own log group only.
     */
    static Role executionRole(Construct scope, String id, String description) {
        return Role.Builder.create(scope, id)
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description(description)
                .build();
    }

    static PolicyStatement allow(List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(actions)
                .resources(resources)
                .build();
    }

    static PolicyStatement allowWhen(List<String> actions, List<String> resources, String key, String value) {
        return PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(actions)
                .resources(resources)
                .conditions(Map.of("StringEquals", Map.of(key, value)))
                .build();
    }

    /**
     * cfn-lint W3005 (a DependsOn that a GetAtt already implies): CDK makes a function depend on its role and the
     * role's default policy, so that the policy exists before the first invocation; the role half is redundant and
     * harmless. Ignored on the functions only.
     */
    static void ignoreRedundantRoleDependency(Function function) {
        if (function.getNode().getDefaultChild() instanceof CfnResource resource) {
            resource.addMetadata("cfn-lint", Map.of("config", Map.of("ignore_checks", List.of("W3005"))));
        }
    }
}
