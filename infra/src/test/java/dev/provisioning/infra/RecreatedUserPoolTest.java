package dev.provisioning.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incident's failure mode: a recreated pool gets a new ARN. Changing the pool's construct id (which makes
 * CloudFormation create a new pool) must carry the trigger's permission and wiring along, with nothing stale.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecreatedUserPoolTest {

    private StackFixture fx;
    private String originalPoolId;

    @BeforeAll
    void synth(@TempDir Path dir) {
        StackSettings defaults = StackFixture.defaultSettings(dir);
        // The logical id of the pool before the re-creation, as CDK computes it (not a hard-coded hash).
        StackFixture original = StackFixture.synth(defaults);
        originalPoolId = original.logicalId(original.stack().getUserPool());
        fx = StackFixture.synth(StackSettings.fromContext(
                key -> switch (key) {
                    case StackSettings.SENDER_ADDRESS -> StackFixture.SENDER;
                    case StackSettings.TRIGGER_JAR -> defaults.triggerJar().toString();
                    case StackSettings.PROVISIONER_JAR ->
                        defaults.provisionerJar().toString();
                    case StackSettings.USER_POOL_CONSTRUCT_ID -> "UserPoolRecreated";
                    default -> null;
                },
                dir));
    }

    @Test
    void cognitoPermission_whenPoolConstructIdChanges_followsTheNewPoolsArn() {
        String newPoolId = fx.logicalId(fx.stack().getUserPool());

        assertThat(newPoolId).startsWith("UserPoolRecreated");
        fx.template().resourceCountIs("AWS::Lambda::Permission", 1);
        fx.template()
                .hasResourceProperties(
                        "AWS::Lambda::Permission",
                        Map.of(
                                "Principal", "cognito-idp.amazonaws.com",
                                "SourceArn", Map.of("Fn::GetAtt", List.of(newPoolId, "Arn")),
                                "SourceAccount", Map.of("Ref", "AWS::AccountId")));
    }

    @Test
    void template_whenPoolConstructIdChanges_keepsNoReferenceToTheOldPool() {
        String whole = fx.json().toString();

        assertThat(originalPoolId).startsWith(StackSettings.DEFAULT_USER_POOL_CONSTRUCT_ID);
        assertThat(fx.logicalId(fx.stack().getUserPool())).isNotEqualTo(originalPoolId);
        assertThat(whole).doesNotContain(originalPoolId).doesNotContain("arn:aws:cognito-idp");
        fx.template().resourceCountIs("AWS::Cognito::UserPool", 1);
        fx.template()
                .hasResourceProperties(
                        "AWS::Cognito::UserPool",
                        Map.of(
                                "LambdaConfig",
                                Map.of(
                                        "PostConfirmation",
                                        Map.of("Ref", fx.logicalId(fx.stack().getTriggerAlias())))));
    }
}
