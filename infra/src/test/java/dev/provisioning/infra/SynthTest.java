package dev.provisioning.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI-free synth entry point writes a deployable template into the given directory. */
class SynthTest {

    @Test
    void main_whenGivenOutdirAndContext_writesTheStackTemplate(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("cdk.out");
        String trigger = StackFixture.jar(dir.resolve("t.jar")).toString();
        String provisioner = StackFixture.jar(dir.resolve("p.jar")).toString();

        Synth.main(new String[] {
            out.toString(),
            "senderAddress=no-reply@example.com",
            "triggerJar=" + trigger,
            "provisionerJar=" + provisioner
        });

        Path template = out.resolve(ProvisioningApp.STACK_ID + ".template.json");
        assertThat(template).exists();
        assertThat(Files.readString(template))
                .contains("AWS::Lambda::EventSourceMapping", "\"SourceAccount\"")
                .doesNotContain("arn:aws:cognito-idp");
    }
}
