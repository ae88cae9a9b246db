package dev.provisioning.infra;

import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app entry point that {@code cdk synth} / {@code cdk deploy} run (see infra/cdk.json); it reads the
 * stack settings from CDK context and owns nothing beyond the {@link App}.
 */
public final class ProvisioningApp {

    /** Stack name in CloudFormation. */
    public static final String STACK_ID = "CognitoProvisioning";

    /** System property (set by the exec plugin) naming the infra module directory; defaults to the working dir. */
    public static final String BASEDIR_PROPERTY = "infra.basedir";

    private ProvisioningApp() {}

    /** Synthesizes the app into the CLI's output directory ({@code CDK_OUTDIR}, set by the CDK CLI). */
    public static void main(String[] args) {
        App app = new App();
        createStack(app);
        app.synth();
    }

    /** Adds the provisioning stack to {@code app}, configured from the app's context. */
    public static ProvisioningStack createStack(App app) {
        Path baseDir = Path.of(System.getProperty(BASEDIR_PROPERTY, ".")).toAbsolutePath();
        StackSettings settings = StackSettings.fromContext(app.getNode()::tryGetContext, baseDir);
        return new ProvisioningStack(
                app,
                STACK_ID,
                StackProps.builder()
                        .description(
                                "Cognito PostConfirmation -> SQS -> provisioner (DynamoDB account + SES welcome email)")
                        .build(),
                settings);
    }
}
