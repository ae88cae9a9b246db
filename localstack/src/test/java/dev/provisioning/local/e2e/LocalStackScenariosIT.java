package dev.provisioning.local.e2e;

import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scenarios on LocalStack through Testcontainers: both jars deployed as real Lambda functions
 * with a real SQS event source mapping; a confirmation is the trigger invoked with the event
 * Cognito sends (LocalStack's free image has no Cognito). Skipped with one line where Testcontainers
 * finds no Docker engine; {@code docs/localstack.md} says how to run it.
 */
@ExtendWith(DockerEngineCondition.class)
class LocalStackScenariosIT extends PipelineScenarios {

    @Override
    protected PipelineEnvironment startEnvironment() {
        return LocalStackEnvironment.start();
    }

    /** Lambda containers start cold and the mapping polls on its own schedule. */
    @Override
    protected Duration timeout() {
        return Duration.ofSeconds(120);
    }
}
