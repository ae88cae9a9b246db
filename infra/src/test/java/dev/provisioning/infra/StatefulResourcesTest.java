package dev.provisioning.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.CfnResource;
import software.constructs.IConstruct;

/**
 * CloudFormation replaces a resource whose logical id changes: a new empty table, a new pool (with new ARNs and
 * no users), new queues (the messages in flight stay behind). Every resource that holds state is therefore a
 * direct child of the stack, where moving code between constructs cannot change its logical id.
 */
class StatefulResourcesTest {

    private static final Set<String> STATEFUL = Set.of(
            "AWS::DynamoDB::Table",
            "AWS::SQS::Queue",
            "AWS::Cognito::UserPool",
            "AWS::SES::EmailIdentity",
            "AWS::SecretsManager::Secret",
            "AWS::Logs::LogGroup");

    @Test
    void everyStatefulResource_isADirectChildOfTheStack(@TempDir Path dir) {
        StackSettings defaults = StackFixture.defaultSettings(dir);
        StackSettings settings = StackSettings.fromContext(
                key -> switch (key) {
                    case StackSettings.SENDER_ADDRESS -> StackFixture.SENDER;
                    case StackSettings.TRIGGER_JAR -> defaults.triggerJar().toString();
                    case StackSettings.PROVISIONER_JAR ->
                        defaults.provisionerJar().toString();
                    case StackSettings.USER_SERVICE_URL -> "https://users.example.com/api/v1/users";
                    default -> null;
                },
                dir);
        StackFixture fx = StackFixture.synth(settings);

        List<IConstruct> stateful = fx.stack().getNode().findAll().stream()
                .filter(c -> c instanceof CfnResource r && STATEFUL.contains(r.getCfnResourceType()))
                .toList();

        assertThat(stateful)
                .extracting(c -> ((CfnResource) c).getCfnResourceType())
                .containsExactlyInAnyOrderElementsOf(List.of(
                        "AWS::DynamoDB::Table",
                        "AWS::SQS::Queue",
                        "AWS::SQS::Queue",
                        "AWS::Cognito::UserPool",
                        "AWS::SES::EmailIdentity",
                        "AWS::SecretsManager::Secret",
                        "AWS::Logs::LogGroup",
                        "AWS::Logs::LogGroup"));
        for (IConstruct resource : stateful) {
            // A level-2 construct (the stack's child) holds its CfnResource as "Resource".
            IConstruct owner = resource.getNode().getScope();
            assertThat(owner.getNode().getScope())
                    .as(
                            "%s's owner %s",
                            resource.getNode().getPath(), owner.getNode().getPath())
                    .isSameAs(fx.stack());
        }
    }
}
