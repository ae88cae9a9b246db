package dev.provisioning.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.provisioning.common.ConfigurationException;
import dev.provisioning.common.Settings;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code trace --sub SUB [--pool POOL_ID] ...}: the story of one user across the pipeline, from
 * Cognito's status through the account record's provisioning steps to a dead-lettered message, if
 * any. Read-only: the DLQ is peeked, never consumed. Exit code 0 when the user is fully
 * provisioned, 1 when not, 2 on bad usage or configuration, 3 when a lookup failed and no verdict
 * can be given ({@code INCOMPLETE}) or the command failed.
 */
public final class TraceCommand implements Command {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Settings settings;

    public TraceCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "trace";
    }

    @Override
    public String summary() {
        return "--sub SUB [--pool POOL_ID] [--table T] [--dlq-url URL] [--cognito-endpoint URL] [--user-service]"
                + " [--scan-users] [--json]  the story of one user";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        if (OpsCli.wantsHelp(args)) {
            out.println("usage: ops trace " + summary());
            out.println(
                    "  --user-service: the deployment posts to a user service (also when USER_SERVICE_URL is set),");
            out.println("    so the user is provisioned only once userServiceState is SYNCED");
            out.println("  --scan-users: when ListUsers filtered on sub finds nothing or fails, page through the pool");
            out.println("  verdicts: PROVISIONED (exit 0); DEAD_LETTERED, NOT_PROVISIONED, EMAIL_PENDING,");
            out.println("    USER_SERVICE_PENDING, UNKNOWN_USER (exit 1); INCOMPLETE, a lookup failed (exit 3)");
            out.print(OpsCli.EXIT_CODES);
            return OpsCli.OK;
        }
        Options options;
        try {
            options = Options.parse(args, settings);
        } catch (IllegalArgumentException | ConfigurationException e) {
            err.println("trace: " + e.getMessage());
            err.println("usage: ops trace " + summary());
            return OpsCli.USAGE;
        }
        try (OpsClients clients = OpsClients.create(settings, options.cognitoEndpoint())) {
            Trace trace = new UserTracer(clients.cognito(), clients.dynamoDb(), clients.sqs()).trace(options);
            if (options.json()) {
                out.println(JSON.writeValueAsString(trace));
            } else {
                trace.print(out);
            }
            return exitCode(trace.verdict());
        } catch (ConfigurationException e) {
            err.println("trace: configuration: " + e.getMessage());
            return OpsCli.USAGE;
        } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
            err.println("trace: failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return OpsCli.FAILED;
        }
    }

    static int exitCode(Trace.Verdict verdict) {
        return switch (verdict) {
            case PROVISIONED -> OpsCli.OK;
            case INCOMPLETE -> OpsCli.FAILED;
            default -> OpsCli.PROBLEM;
        };
    }

    /** The parsed arguments. */
    record Options(
            String sub,
            Optional<String> poolId,
            Optional<String> table,
            Optional<String> deadLetterQueueUrl,
            Optional<URI> cognitoEndpoint,
            boolean userService,
            boolean scanUsers,
            boolean json) {

        static Options parse(List<String> args, Settings settings) {
            String sub = null;
            String pool = settings.optional("USER_POOL_ID").orElse(null);
            String table = settings.optional("TABLE_NAME").orElse(null);
            String dlq = settings.optional("DLQ_URL").orElse(null);
            URI cognito = settings.optionalUri("COGNITO_ENDPOINT").orElse(null);
            boolean userService = settings.optional("USER_SERVICE_URL").isPresent();
            boolean scanUsers = false;
            boolean json = false;
            List<String> rest = new ArrayList<>(args);
            while (!rest.isEmpty()) {
                String option = rest.remove(0);
                switch (option) {
                    case "--json" -> json = true;
                    case "--user-service" -> userService = true;
                    case "--scan-users" -> scanUsers = true;
                    case "--sub" -> sub = value(option, rest);
                    case "--pool" -> pool = value(option, rest);
                    case "--table" -> table = value(option, rest);
                    case "--dlq-url" -> dlq = value(option, rest);
                    case "--cognito-endpoint" -> cognito = URI.create(value(option, rest));
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            }
            if (sub == null) {
                throw new IllegalArgumentException("--sub is required");
            }
            return new Options(
                    sub,
                    Optional.ofNullable(pool),
                    Optional.ofNullable(table),
                    Optional.ofNullable(dlq),
                    Optional.ofNullable(cognito),
                    userService,
                    scanUsers,
                    json);
        }

        private static String value(String option, List<String> rest) {
            if (rest.isEmpty() || rest.get(0).startsWith("--")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return rest.remove(0);
        }
    }
}
