package dev.provisioning.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.ses.SesClient;

/**
 * The synchronous design this product replaces, for {@code ./pipeline bench decoupling} only: a PostConfirmation
 * trigger that provisions inline, as the trigger write-ups this project started from do. It writes the account
 * (conditionally, so a retry by Cognito does not duplicate it), sends the welcome email through SES and posts the
 * user to the user service, then returns the event; any failure fails the trigger, and with it the sign-up.
 *
 * <p>Built the way such functions are written: clients built once, the SDK's default retries and timeouts, no
 * deadline of its own. It is never part of the product.
 */
final class SyncBaselineTrigger {

    private static final Pattern SUB = Pattern.compile("\"sub\":\"([^\"]+)\"");
    private static final Pattern EMAIL = Pattern.compile("\"email\":\"([^\"]+)\"");

    private final DynamoDbClient dynamo;
    private final SesClient ses;
    private final HttpClient http;
    private final String table;
    private final URI userService;
    private final String sender;

    SyncBaselineTrigger(URI dynamoEndpoint, URI sesEndpoint, URI userService, String table, String sender) {
        StaticCredentialsProvider credentials =
                StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));
        this.dynamo = DynamoDbClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(dynamoEndpoint)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        this.ses = SesClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(sesEndpoint)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        this.http = HttpClient.newHttpClient();
        this.table = table;
        this.userService = userService;
        this.sender = sender;
    }

    /** Handles one PostConfirmation event; returns it, or throws (Cognito then fails the sign-up). */
    byte[] handle(byte[] event) throws IOException, InterruptedException {
        String json = new String(event, StandardCharsets.UTF_8);
        String sub = field(SUB, json);
        String email = field(EMAIL, json);
        try {
            dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of(
                            "accountId", AttributeValue.fromS(sub),
                            "email", AttributeValue.fromS(email),
                            "createdAt", AttributeValue.fromS(Instant.now().toString())))
                    .conditionExpression("attribute_not_exists(accountId)"));
        } catch (ConditionalCheckFailedException retriedByCognito) {
            // The account exists: a retry of this sign-up. Carry on with the email, as such functions do.
        }
        ses.sendEmail(
                b -> b.source(sender).destination(d -> d.toAddresses(email)).message(m -> m.subject(
                                s -> s.data("Welcome"))
                        .body(body -> body.text(t -> t.data("Your account is ready.")))));
        HttpResponse<Void> response = http.send(
                HttpRequest.newBuilder(userService)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"sub\":\"" + sub + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("user service answered " + response.statusCode());
        }
        return event;
    }

    private static String field(Pattern pattern, String json) {
        Matcher matcher = pattern.matcher(json);
        if (!matcher.find()) {
            throw new IllegalArgumentException("the event has no " + pattern.pattern());
        }
        return matcher.group(1);
    }
}
