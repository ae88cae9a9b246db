package dev.provisioning.ops.doctor;

import dev.provisioning.common.ConfigurationException;
import dev.provisioning.common.StackOutputs;
import dev.provisioning.ops.cli.AbsoluteUrl;
import dev.provisioning.ops.cli.CommandContext;
import dev.provisioning.ops.cli.ExitCodes;
import dev.provisioning.ops.cli.OpsClients;
import dev.provisioning.ops.cli.OpsCommand;
import dev.provisioning.ops.cli.StackDefaults;
import dev.provisioning.ops.cli.VersionProvider;
import java.net.URI;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code doctor}: is the deployed wiring right (see {@link WiringDoctor}). Its exit codes tell a deploy script
 * apart "proven", "broken", "not proven" and "doctor itself failed".
 */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Checks the deployed wiring: pool PostConfirmation -> trigger, the trigger's invoke permission",
            "(SourceArn = the pool's current ARN, SourceAccount = its account), queue redrive and DLQ,",
            "event source mappings, visibility, table, SES identity. One line per check: OK, WARN",
            "(advice), FAIL (broken), SKIP (could not run). A check whose option is missing is skipped.",
            "After a deploy: ./pipeline doctor --stack CognitoProvisioning"
        },
        footer = {
            "exit codes:",
            "  0  every check ran and none failed (WARN lines are advice)",
            "  1  at least one check failed",
            "  2  bad usage or configuration",
            "  3  incomplete: nothing failed, but some checks could not run (SKIP: an option",
            "     missing, access denied, a service unreachable), so the wiring is not proven",
            "  4  doctor itself crashed"
        })
public final class DoctorCommand extends OpsCommand {

    /** Exit code: doctor itself failed (a bug or an unexpected answer), so nothing is known. */
    static final int EXIT_CRASH = 4;

    @Option(names = "--pool", paramLabel = "ID", description = "user pool id (USER_POOL_ID)")
    private String pool;

    @Option(
            names = "--function",
            paramLabel = "F",
            description = "trigger name or ARN, with its alias (TRIGGER_FUNCTION); default: what the pool's"
                    + " PostConfirmation names")
    private String function;

    @Option(names = "--queue-url", paramLabel = "URL", description = "signup queue (QUEUE_URL)")
    private String queueUrl;

    @Option(names = "--table", paramLabel = "T", description = "accounts table (TABLE_NAME)")
    private String table;

    @Option(names = "--sender", paramLabel = "S", description = "SES sender address (SENDER_ADDRESS)")
    private String sender;

    @Option(
            names = "--configuration-set",
            paramLabel = "NAME",
            description = "SES configuration set every send names (SES_CONFIGURATION_SET)")
    private String configurationSet;

    @Option(
            names = "--provisioner",
            paramLabel = "P",
            description = "provisioner function name or ARN (PROVISIONER_FUNCTION)")
    private String provisioner;

    @Option(
            names = "--cognito-endpoint",
            paramLabel = "URL",
            converter = AbsoluteUrl.class,
            description = "Cognito endpoint, e.g. cognito-local (COGNITO_ENDPOINT)")
    private URI cognitoEndpoint;

    @Option(
            names = "--fix",
            description = "add the missing invoke permission for the pool's current ARN; nothing else is ever"
                    + " changed (FAILs only, never UpdateUserPool)")
    private boolean fix;

    @Option(names = "--json", description = "the report as JSON")
    private boolean json;

    private final Function<OpsClients, WiringDoctor> doctors;

    public DoctorCommand(CommandContext context) {
        this(
                context,
                clients -> new WiringDoctor(
                        clients.cognito(), clients.lambda(), clients.sqs(), clients.dynamoDb(), clients.ses()));
    }

    /** For tests: {@code doctors} builds the doctor from the run's clients. */
    DoctorCommand(CommandContext context, Function<OpsClients, WiringDoctor> doctors) {
        super(context);
        this.doctors = doctors;
    }

    @Override
    public Integer call() {
        try (OpsClients clients = OpsClients.create(settings(), orEnvironment(cognitoEndpoint, "COGNITO_ENDPOINT"))) {
            Target target = target(defaults(clients));
            Report report = doctors.apply(clients).examine(target, fix);
            if (json) {
                out().println(report.toJson());
            } else {
                report.print(out());
            }
            return report.exitCode();
        } catch (ParameterException e) {
            throw e;
        } catch (ConfigurationException | StackDefaults.StackNotFoundException e) {
            err().println("doctor: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (RuntimeException e) {
            // Every expected AWS error is a check's verdict; what reaches here is doctor's own failure.
            err().println("doctor: crashed, nothing is proven: " + e.getClass().getSimpleName() + ": "
                    + e.getMessage());
            return EXIT_CRASH;
        }
    }

    private Target target(StackDefaults defaults) {
        return new Target(
                defaults.value(pool, StackOutputs.USER_POOL_ID, "USER_POOL_ID"),
                defaults.value(function, StackOutputs.TRIGGER_ALIAS_ARN, "TRIGGER_FUNCTION"),
                defaults.value(queueUrl, StackOutputs.QUEUE_URL, "QUEUE_URL"),
                defaults.value(table, StackOutputs.TABLE_NAME, "TABLE_NAME"),
                defaults.value(sender, StackOutputs.SENDER_ADDRESS, "SENDER_ADDRESS"),
                defaults.value(provisioner, StackOutputs.PROVISIONER_ALIAS_ARN, "PROVISIONER_FUNCTION"),
                defaults.value(configurationSet, StackOutputs.SES_CONFIGURATION_SET, "SES_CONFIGURATION_SET"));
    }
}
