package dev.provisioning.ops;

import dev.provisioning.common.ConfigurationException;
import dev.provisioning.common.Settings;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code doctor [--pool ID] [--function F] [--queue-url URL] [--table T] [--sender S] [--provisioner P]
 * [--fix] [--json]}: is the deployed wiring right (see {@link WiringDoctor}). Exit code 0 when no
 * check fails, 1 when one does, 2 on bad usage.
 */
public final class DoctorCommand implements Command {

    private final Settings settings;

    public DoctorCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "doctor";
    }

    @Override
    public String summary() {
        return "[--pool ID] [--function F] [--queue-url URL] [--table T] [--sender S] [--provisioner P]"
                + " [--cognito-endpoint URL] [--fix] [--json]  is the deployed wiring right";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args, settings);
        } catch (IllegalArgumentException | ConfigurationException e) {
            err.println("doctor: " + e.getMessage());
            err.println("usage: doctor " + summary());
            return 2;
        }
        try (OpsClients clients = OpsClients.create(settings, options.cognitoEndpoint())) {
            WiringDoctor.Report report = new WiringDoctor(
                            clients.cognito(), clients.lambda(), clients.sqs(), clients.dynamoDb(), clients.ses())
                    .examine(options.target(), options.fix());
            if (options.json()) {
                out.println(report.toJson());
            } else {
                report.print(out);
            }
            return report.exitCode();
        } catch (RuntimeException e) {
            err.println("doctor: failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        }
    }

    /** The parsed arguments. */
    record Options(WiringDoctor.Target target, Optional<URI> cognitoEndpoint, boolean fix, boolean json) {

        static Options parse(List<String> args, Settings settings) {
            String pool = settings.optional("USER_POOL_ID").orElse(null);
            String function = settings.optional("TRIGGER_FUNCTION").orElse(null);
            String queue = settings.optional("QUEUE_URL").orElse(null);
            String table = settings.optional("TABLE_NAME").orElse(null);
            String sender = settings.optional("SENDER_ADDRESS").orElse(null);
            String provisioner = settings.optional("PROVISIONER_FUNCTION").orElse(null);
            URI cognito = settings.optionalUri("COGNITO_ENDPOINT").orElse(null);
            boolean fix = false;
            boolean json = false;
            List<String> rest = new ArrayList<>(args);
            while (!rest.isEmpty()) {
                String option = rest.remove(0);
                switch (option) {
                    case "--pool" -> pool = value(option, rest);
                    case "--function" -> function = value(option, rest);
                    case "--queue-url" -> queue = value(option, rest);
                    case "--table" -> table = value(option, rest);
                    case "--sender" -> sender = value(option, rest);
                    case "--provisioner" -> provisioner = value(option, rest);
                    case "--cognito-endpoint" -> cognito = URI.create(value(option, rest));
                    case "--fix" -> fix = true;
                    case "--json" -> json = true;
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            }
            WiringDoctor.Target target = new WiringDoctor.Target(
                    Optional.ofNullable(pool),
                    Optional.ofNullable(function),
                    Optional.ofNullable(queue),
                    Optional.ofNullable(table),
                    Optional.ofNullable(sender),
                    Optional.ofNullable(provisioner));
            return new Options(target, Optional.ofNullable(cognito), fix, json);
        }

        private static String value(String option, List<String> rest) {
            if (rest.isEmpty() || rest.get(0).startsWith("--")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return rest.remove(0);
        }
    }
}
