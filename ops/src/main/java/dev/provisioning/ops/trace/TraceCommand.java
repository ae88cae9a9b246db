package dev.provisioning.ops.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.provisioning.common.ConfigurationException;
import dev.provisioning.common.Settings;
import dev.provisioning.common.StackOutputs;
import dev.provisioning.ops.cli.AbsoluteUrl;
import dev.provisioning.ops.cli.CommandContext;
import dev.provisioning.ops.cli.ExitCodes;
import dev.provisioning.ops.cli.OpsClients;
import dev.provisioning.ops.cli.OpsCommand;
import dev.provisioning.ops.cli.StackDefaults;
import dev.provisioning.ops.cli.VersionProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code trace}: the story of one user across the pipeline, from Cognito's status through the account record's
 * provisioning steps to a dead-lettered message, if any. Read-only: the DLQ is peeked, never consumed.
 */
@Command(
        name = "trace",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "The story of one user: Cognito's status, the account's provisioning steps, a dead letter.",
            "verdicts: PROVISIONED (exit 0); DEAD_LETTERED, NOT_PROVISIONED, EMAIL_PENDING,",
            "  USER_SERVICE_PENDING, UNKNOWN_USER (exit 1); INCOMPLETE, a lookup failed (exit 3)"
        })
public final class TraceCommand extends OpsCommand {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--sub", paramLabel = "SUB", description = "the user's Cognito sub (required)")
    private String sub;

    @Option(names = "--pool", paramLabel = "ID", description = "user pool id (USER_POOL_ID)")
    private String pool;

    @Option(names = "--table", paramLabel = "T", description = "accounts table (TABLE_NAME)")
    private String table;

    @Option(names = "--dlq-url", paramLabel = "URL", description = "dead-letter queue (DLQ_URL)")
    private String deadLetterQueueUrl;

    @Option(
            names = "--cognito-endpoint",
            paramLabel = "URL",
            converter = AbsoluteUrl.class,
            description = "Cognito endpoint, e.g. cognito-local (COGNITO_ENDPOINT)")
    private URI cognitoEndpoint;

    @Option(
            names = "--user-service",
            description = "the deployment posts to a user service (also when USER_SERVICE_URL is set), so the user"
                    + " is provisioned only once userServiceState is SYNCED")
    private boolean userService;

    @Option(
            names = "--scan-users",
            description = "when ListUsers filtered on sub finds nothing or fails, page through the pool")
    private boolean scanUsers;

    @Option(names = "--json", description = "the trace as JSON")
    private boolean json;

    public TraceCommand(CommandContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        if (sub == null) {
            throw usageError("--sub is required");
        }
        Optional<URI> cognito = cognitoEndpoint();
        try (OpsClients clients = OpsClients.create(settings(), cognito)) {
            Options options = options(defaults(clients), cognito);
            Trace trace = new UserTracer(clients.cognito(), clients.dynamoDb(), clients.sqs()).trace(options.request());
            if (options.json()) {
                out().println(JSON.writeValueAsString(trace));
            } else {
                trace.print(out());
            }
            return exitCode(trace.verdict());
        } catch (ParameterException e) {
            throw e;
        } catch (ConfigurationException | StackDefaults.StackNotFoundException e) {
            err().println("trace: configuration: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (RuntimeException | JsonProcessingException e) {
            err().println("trace: failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }

    /** {@code --cognito-endpoint}, else {@code COGNITO_ENDPOINT}; read once per run. */
    private Optional<URI> cognitoEndpoint() {
        return orEnvironment(cognitoEndpoint, "COGNITO_ENDPOINT");
    }

    private Options options(StackDefaults defaults, Optional<URI> cognito) {
        return new Options(
                sub,
                defaults.value(pool, StackOutputs.USER_POOL_ID, "USER_POOL_ID"),
                defaults.value(table, StackOutputs.TABLE_NAME, "TABLE_NAME"),
                defaults.value(deadLetterQueueUrl, StackOutputs.DEAD_LETTER_QUEUE_URL, "DLQ_URL"),
                cognito,
                userService
                        || settings().optional("USER_SERVICE_URL").isPresent()
                        || defaults.output(StackOutputs.USER_SERVICE)
                                .map(Boolean::parseBoolean)
                                .orElse(false),
                scanUsers,
                json);
    }

    static int exitCode(Trace.Verdict verdict) {
        return switch (verdict) {
            case PROVISIONED -> ExitCodes.OK;
            case INCOMPLETE -> ExitCodes.FAILED;
            default -> ExitCodes.PROBLEM;
        };
    }

    /** The parsed arguments, with the environment's defaults (no stack). */
    record Options(
            String sub,
            Optional<String> poolId,
            Optional<String> table,
            Optional<String> deadLetterQueueUrl,
            Optional<URI> cognitoEndpoint,
            boolean userService,
            boolean scanUsers,
            boolean json) {

        TraceRequest request() {
            return new TraceRequest(sub, poolId, table, deadLetterQueueUrl, userService, scanUsers);
        }

        /** Parses {@code args} as the command line would, without running anything. */
        static Options parse(List<String> args, Settings settings) {
            PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            TraceCommand command = new TraceCommand(new CommandContext(settings, sink, sink));
            new CommandLine(command).parseArgs(args.toArray(String[]::new));
            if (command.sub == null) {
                throw new IllegalArgumentException("--sub is required");
            }
            return command.options(new StackDefaults(settings), command.cognitoEndpoint());
        }
    }
}
