package dev.provisioning.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import io.github.cdklabs.cdknag.ServerlessChecks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/**
 * cdk-nag's AwsSolutions and Serverless rule packs find nothing unsuppressed in the stack, in each shape it can take.
 * A rule that does not apply is suppressed on its resource in the stack's own code, with the reason in one line.
 */
class CdkNagTest {

    @TempDir
    Path dir;

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("created pool", Map.of()),
                Arguments.of("imported pool", Map.of(StackSettings.USER_POOL_ID, "eu-central-1_AbCdEfGhI")),
                Arguments.of(
                        "created pool and a user service (key secret created)",
                        Map.of(StackSettings.USER_SERVICE_URL, "https://users.example.com/api/v1/users")),
                Arguments.of(
                        "imported pool, a user service with a given secret, an alarm topic, an existing sender",
                        Map.of(
                                StackSettings.USER_POOL_ID, "eu-central-1_AbCdEfGhI",
                                StackSettings.USER_SERVICE_URL, "https://users.example.com/api/v1/users",
                                StackSettings.USER_SERVICE_KEY_SECRET_ARN,
                                        "arn:aws:secretsmanager:eu-central-1:123456789012:secret:users-key-AbCdEf",
                                StackSettings.ALARM_TOPIC_ARN, "arn:aws:sns:eu-central-1:123456789012:ops",
                                StackSettings.SENDER_IDENTITY_EXISTS, "true")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void stack_whenCheckedByCdkNag_hasNoUnsuppressedFinding(String variant, Map<String, String> context) {
        App app = new App();
        ProvisioningStack stack = StackFixture.stack(app, StackFixture.settings(dir, context));
        Aspects.of(app)
                .add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        Aspects.of(app)
                .add(new ServerlessChecks(NagPackProps.builder().verbose(true).build()));

        Annotations annotations = Annotations.fromStack(stack);
        List<SynthesisMessage> findings = new ArrayList<>();
        for (String pack : List.of("AwsSolutions-.*", "Serverless-.*")) {
            findings.addAll(annotations.findError("*", Match.stringLikeRegexp(pack)));
            findings.addAll(annotations.findWarning("*", Match.stringLikeRegexp(pack)));
        }

        assertThat(findings)
                .withFailMessage("cdk-nag findings (%s):%n%s", variant, describe(findings))
                .isEmpty();
    }

    private static String describe(List<SynthesisMessage> findings) {
        return findings.stream()
                .map(finding -> finding.getLevel() + " " + finding.getId() + "\n    "
                        + finding.getEntry().getData())
                .collect(Collectors.joining("\n"));
    }
}
