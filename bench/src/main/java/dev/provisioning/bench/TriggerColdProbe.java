package dev.provisioning.bench;

import dev.provisioning.trigger.PostConfirmationHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A cold start of the trigger: a fresh JVM on the shaded Lambda jar builds the handler (static
 * init, priming included) and handles one event, then says so and exits. Run by {@link TriggerBench}.
 */
public final class TriggerColdProbe {

    private TriggerColdProbe() {}

    public static void main(String[] args) throws Exception {
        byte[] event = Probes.event(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PostConfirmationHandler().handleRequest(new ByteArrayInputStream(event), out, new BenchContext());
        if (!Arrays.equals(out.toByteArray(), event)) {
            throw new IllegalStateException("The handler did not return the event");
        }
        System.out.println(Probes.DONE);
        System.out.flush();
        System.exit(0);
    }
}
