package dev.provisioning.infra;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.cxapi.CloudAssembly;

/**
 * Writes the CloudFormation template without the CDK CLI (for {@code ./pipeline synth} and CI): the first
 * argument is the output directory, the rest are {@code key=value} context entries.
 */
public final class Synth {

    private Synth() {}

    /**
     * Runs the app into {@code args[0]} (default {@code cdk.out}) and prints the template paths.
     *
     * @param args output directory, then context entries such as {@code senderAddress=no-reply@example.com}
     */
    public static void main(String[] args) {
        String outdir = args.length > 0 ? args[0] : "cdk.out";
        Map<String, Object> context = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("context argument must be key=value, got: " + args[i]);
            }
            context.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        Path out = Path.of(outdir).toAbsolutePath();
        App app = new App(
                AppProps.builder().outdir(out.toString()).context(context).build());
        ProvisioningApp.createStack(app);
        CloudAssembly assembly = app.synth();
        assembly.getStacks().forEach(stack -> System.out.println(out.resolve(stack.getTemplateFile())));
    }
}
