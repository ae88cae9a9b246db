package dev.provisioning.ops;

import dev.provisioning.common.ConfigurationException;
import dev.provisioning.common.Settings;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code doctor [--pool ID] [--function F] [--queue-url URL] [--table T] [--sender S] [--provisioner P]
 * [--fix] [--json]}: is the deployed wiring right (see {@link WiringDoctor}). Its exit codes tell a
 * deploy script apart "proven", "broken", "not proven" and "doctor itself failed" ({@link #USAGE}).
 */
public final class DoctorCommand implements Command {

    /** Exit code: doctor itself failed (a bug or an unexpected answer), so nothing is known. */
    static final int EXIT_CRASH = 4;

    static final String USAGE = """
            usage: doctor [--pool ID] [--function F] [--queue-url URL] [--table T] [--sender S]
                          [--provisioner P] [--cognito-endpoint URL] [--fix] [--json] [--help]
            Checks the deployed wiring: pool PostConfirmation -> trigger, the trigger's invoke permission
            (SourceArn = the pool's current ARN, SourceAccount = its account), queue redrive and DLQ,
            event source mappings, visibility, table, SES identity. One line per check: OK, WARN
            (advice), FAIL (broken), SKIP (could not run). A check whose option is missing is skipped.
              --pool ID               user pool id (USER_POOL_ID)
              --function F            trigger name or ARN, with its alias (TRIGGER_FUNCTION);
                                      default: what the pool's PostConfirmation names
              --queue-url URL         signup queue (QUEUE_URL)
              --table T               accounts table (TABLE_NAME)
              --sender S              SES sender address (SENDER_ADDRESS)
              --provisioner P         provisioner function name or ARN (PROVISIONER_FUNCTION)
              --cognito-endpoint URL  Cognito endpoint, e.g. cognito-local (COGNITO_ENDPOINT)
              --fix                   add the missing invoke permission for the pool's current ARN;
                                      nothing else is ever changed (FAILs only, never UpdateUserPool)
              --json                  the report as JSON
            exit codes:
              0  every check ran and none failed (WARN lines are advice)
              1  at least one check failed
              2  bad usage or configuration
              3  incomplete: nothing failed, but some checks could not run (SKIP: an option
                 missing, access denied, a service unreachable), so the wiring is not proven
              4  doctor itself crashed""";

    private final Settings settings;
    private final Function<OpsClients, WiringDoctor> doctors;

    public DoctorCommand(Settings settings) {
        this(
                settings,
                clients -> new WiringDoctor(
                        clients.cognito(), clients.lambda(), clients.sqs(), clients.dynamoDb(), clients.ses()));
    }

    /** For tests: {@code doctors} builds the doctor from the run's clients. */
    DoctorCommand(Settings settings, Function<OpsClients, WiringDoctor> doctors) {
        this.settings = settings;
        this.doctors = doctors;
    }

    @Override
    public String name() {
        return "doctor";
    }

    @Override
    public String summary() {
        return "[--pool ID] [--function F] [--queue-url URL] [--table T] [--sender S] [--provisioner P]"
                + " [--cognito-endpoint URL] [--fix] [--json] [--help]  is the deployed wiring right"
                + " (exit 0 ok, 1 fail, 2 usage, 3 incomplete, 4 crash)";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        if (OpsCli.wantsHelp(args)) {
            out.println(USAGE);
            return OpsCli.OK;
        }
        Options options;
        try {
            options = Options.parse(args, settings);
        } catch (IllegalArgumentException | ConfigurationException e) {
            err.println("doctor: " + e.getMessage());
            err.println(USAGE);
            return OpsCli.USAGE;
        }
        try (OpsClients clients = OpsClients.create(settings, options.cognitoEndpoint())) {
            WiringDoctor.Report report = doctors.apply(clients).examine(options.target(), options.fix());
            if (options.json()) {
                out.println(report.toJson());
            } else {
                report.print(out);
            }
            return report.exitCode();
        } catch (ConfigurationException e) {
            err.println("doctor: " + e.getMessage());
            return OpsCli.USAGE;
        } catch (RuntimeException e) {
            // Every expected AWS error is a check's verdict; what reaches here is doctor's own failure.
            err.println("doctor: crashed, nothing is proven: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return EXIT_CRASH;
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
