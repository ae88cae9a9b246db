package dev.provisioning.bench;

import com.sun.net.httpserver.HttpServer;
import dev.provisioning.common.FunctionEnvironment;
import dev.provisioning.common.Settings;
import dev.provisioning.local.aws.MotoServer;
import dev.provisioning.local.bench.BenchmarksPage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code ./pipeline bench decoupling}: does a sign-up wait for, or fail with, the downstream? Drives sign-ups at a
 * fixed rate through the product's trigger (it enqueues) and through a synchronous baseline ({@link
 * SyncBaselineTrigger}: account, email and user service inline), each while DynamoDB, SES and the user service are
 * healthy, {@code slowMs} slower per call, and failing (see {@link DecouplingProbe}). Reports p50/p99 response times
 * and the fraction of sign-ups over Cognito's 5 s or failed, and prints {@code result decoupling_p99_ratio=...
 * sync_p99_ratio=... sync_failed_fraction=... ours_failed_fraction=...} last.
 *
 * <p>SQS is ElasticMQ and DynamoDB and SES are moto, all on loopback; the user service is a stub that answers 200.
 * Owns every process and server it starts.
 */
public final class DecouplingBench {

    /** Cognito waits this long for a trigger, then fails the sign-up (and retries the invocation). */
    static final long COGNITO_TIMEOUT_MS = 5000;

    private static final String TABLE = "bench-accounts";
    private static final String SENDER = "welcome@example.com";
    private static final Pattern PHASE = Pattern.compile(
            "PHASE condition=(\\w+) n=(\\d+) p50_ms=([\\d.]+) p99_ms=([\\d.]+) over_or_failed=(\\d+) failed=(\\d+)"
                    + " unfinished=\\d+");

    /** Messages on a queue, and the distinct sign-ups (subs) among them. */
    record QueueCount(long distinct, long messages) {}

    private static final Pattern SUB = Pattern.compile("\"sub\":\"([^\"]+)\"");

    /** Reads every message off the queue (nothing else consumes it) and counts them and their distinct subs. */
    static QueueCount count(SqsClient sqs, String queueUrl) {
        java.util.Set<String> subs = new java.util.HashSet<>();
        long messages = 0;
        for (int empty = 0; empty < 3; ) {
            List<software.amazon.awssdk.services.sqs.model.Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                            .maxNumberOfMessages(10)
                            .visibilityTimeout(600)
                            .waitTimeSeconds(1))
                    .messages();
            if (batch.isEmpty()) {
                empty++;
                continue;
            }
            for (software.amazon.awssdk.services.sqs.model.Message message : batch) {
                messages++;
                Matcher matcher = SUB.matcher(message.body());
                if (matcher.find()) {
                    subs.add(matcher.group(1));
                }
            }
        }
        return new QueueCount(subs.size(), messages);
    }

    private final DecouplingOptions options;

    DecouplingBench(DecouplingOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        DecouplingOptions options = DecouplingOptions.parse(args);
        DecouplingResult result = new DecouplingBench(options).run();
        System.out.println(result.line());
        System.exit(0);
    }

    DecouplingResult run() throws Exception {
        SQSRestServer elasticMq = SQSRestServerBuilder.withInterface("127.0.0.1")
                .withDynamicPort()
                .withAWSRegion("us-east-1")
                .withAWSAccountId("000000000000")
                .start();
        HttpServer userService = userService();
        try (MotoServer moto = MotoServer.start(MotoServer.findExecutable(Settings.fromEnvironment()), line -> {})) {
            URI sqsEndpoint = URI.create("http://127.0.0.1:"
                    + elasticMq.waitUntilStarted().localAddress().getPort());
            StaticCredentialsProvider credentials =
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));
            String queueUrl;
            try (SqsClient sqs = SqsClient.builder()
                    .region(Region.US_EAST_1)
                    .endpointOverride(sqsEndpoint)
                    .credentialsProvider(credentials)
                    .httpClient(UrlConnectionHttpClient.create())
                    .build()) {
                queueUrl = sqs.createQueue(b -> b.queueName("bench-decoupling")).queueUrl();
                prepareDownstream(moto.endpoint(), credentials);
                Map<String, String> environment = new LinkedHashMap<>();
                environment.put(FunctionEnvironment.QUEUE_URL, queueUrl);
                environment.put("AWS_REGION", "us-east-1");
                environment.put("AWS_ENDPOINT_URL_SQS", sqsEndpoint.toString());
                environment.put("AWS_ACCESS_KEY_ID", "bench");
                environment.put("AWS_SECRET_ACCESS_KEY", "bench");
                List<Map<String, Map<String, DecouplingResult.Phase>>> runs =
                        measure(moto.endpoint(), userService, environment);
                QueueCount count = count(sqs, queueUrl);
                long expected = (long) options.runs()
                        * (options.warmup() + (long) options.count() * DecouplingProbe.CONDITIONS.size());
                DecouplingResult result = new DecouplingResult(runs, count.distinct(), count.messages(), expected);
                if (options.markdown() != null) {
                    BenchmarksPage.appendToSection(
                            options.markdown(),
                            DecouplingReport.HEADING,
                            DecouplingReport.INTRO,
                            new DecouplingReport(options, result).table());
                }
                return result;
            }
        } finally {
            userService.stop(0);
            elasticMq.stopAndWait();
        }
    }

    /** Every run: the product's trigger, then the baseline, each in a JVM of its own. */
    private List<Map<String, Map<String, DecouplingResult.Phase>>> measure(
            URI moto, HttpServer userService, Map<String, String> environment)
            throws IOException, InterruptedException {
        List<Map<String, Map<String, DecouplingResult.Phase>>> runs = new ArrayList<>();
        for (int run = 1; run <= options.runs(); run++) {
            Map<String, Map<String, DecouplingResult.Phase>> phases = new LinkedHashMap<>();
            for (String mode : List.of("ours", "sync")) {
                progress("run " + run + "/" + options.runs() + ": " + mode);
                phases.put(mode, probe(mode, run, moto, userService, environment));
            }
            runs.add(phases);
        }
        return runs;
    }

    /** The baseline's table and verified sender, created in moto directly (not through a proxy). */
    private static void prepareDownstream(URI moto, StaticCredentialsProvider credentials) {
        try (DynamoDbClient dynamo = DynamoDbClient.builder()
                        .region(Region.US_EAST_1)
                        .endpointOverride(moto)
                        .credentialsProvider(credentials)
                        .httpClient(UrlConnectionHttpClient.create())
                        .build();
                SesClient ses = SesClient.builder()
                        .region(Region.US_EAST_1)
                        .endpointOverride(moto)
                        .credentialsProvider(credentials)
                        .httpClient(UrlConnectionHttpClient.create())
                        .build()) {
            dynamo.createTable(b -> b.tableName(TABLE)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder()
                            .attributeName("accountId")
                            .attributeType(ScalarAttributeType.S)
                            .build())
                    .keySchema(KeySchemaElement.builder()
                            .attributeName("accountId")
                            .keyType(KeyType.HASH)
                            .build()));
            ses.verifyEmailIdentity(b -> b.emailAddress(SENDER));
        }
    }

    /** The user-service stub: answers 201 to every POST, on a free loopback port. */
    private static HttpServer userService() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(201, -1);
            }
        });
        server.start();
        return server;
    }

    private Map<String, DecouplingResult.Phase> probe(
            String mode, int run, URI moto, HttpServer userService, Map<String, String> environment)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                DecouplingProbe.class.getName(),
                mode,
                Double.toString(options.rate()),
                Integer.toString(options.count()),
                Integer.toString(options.warmup()),
                Long.toString(options.slowMs()),
                Long.toString(COGNITO_TIMEOUT_MS),
                moto.toString(),
                "http://127.0.0.1:" + userService.getAddress().getPort(),
                TABLE,
                SENDER,
                // Each run's sign-ups are new users.
                Integer.toString(run * 100_000)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
        builder.environment().putAll(environment);
        Path stderr = Files.createTempFile("decoupling-" + mode, ".log");
        builder.redirectError(stderr.toFile());
        Process process = builder.start();
        // A bench stopped with Ctrl-C or SIGTERM takes its probe with it.
        Thread stopProbe = new Thread(process::destroyForcibly, "stop-" + mode + "-probe");
        Runtime.getRuntime().addShutdownHook(stopProbe);
        Map<String, DecouplingResult.Phase> phases = new LinkedHashMap<>();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                Matcher matcher = PHASE.matcher(line);
                if (matcher.matches()) {
                    DecouplingResult.Phase phase = new DecouplingResult.Phase(
                            matcher.group(1),
                            Integer.parseInt(matcher.group(2)),
                            Double.parseDouble(matcher.group(3)),
                            Double.parseDouble(matcher.group(4)),
                            Integer.parseInt(matcher.group(5)),
                            Integer.parseInt(matcher.group(6)));
                    phases.put(phase.condition(), phase);
                    progress("  " + mode + " " + line.substring("PHASE ".length()));
                }
            }
        } finally {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            removeHook(stopProbe);
        }
        if (!phases.keySet().containsAll(DecouplingProbe.CONDITIONS)) {
            throw new IllegalStateException("the " + mode + " probe exited " + process.exitValue()
                    + " without reporting every condition; its stderr:\n" + tail(Files.readString(stderr)));
        }
        Files.deleteIfExists(stderr);
        return phases;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to: it stops the probe.
        }
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }

    private static void progress(String message) {
        System.err.println("bench decoupling: " + message);
    }
}
