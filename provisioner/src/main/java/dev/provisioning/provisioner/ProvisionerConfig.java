package dev.provisioning.provisioner;

import dev.provisioning.common.AwsSettings;
import dev.provisioning.common.ConfigurationException;
import dev.provisioning.common.Deployment;
import dev.provisioning.common.EmailAddresses;
import dev.provisioning.common.FunctionEnvironment;
import dev.provisioning.common.RecordBudget;
import dev.provisioning.common.Settings;
import dev.provisioning.email.Brand;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The provisioner's configuration, read once at start-up.
 *
 * @param tableName the accounts table ({@code TABLE_NAME})
 * @param senderAddress the verified SES identity welcome emails come from ({@code SENDER_ADDRESS})
 * @param queueUrl the queue this function consumes, for visibility backoff ({@code QUEUE_URL})
 * @param deadLetterQueueUrl where permanent failures go at once ({@code DLQ_URL})
 * @param backoffBase first retry delay before jitter ({@code BACKOFF_BASE_SECONDS})
 * @param backoffCap largest retry delay ({@code BACKOFF_CAP_SECONDS})
 * @param maxReceiveCount the queue's redrive {@code maxReceiveCount}; the last attempt dead-letters
 *     with the reason itself ({@code MAX_RECEIVE_COUNT})
 * @param emailClaimLease how long a claimed, unconfirmed send blocks another ({@code EMAIL_CLAIM_LEASE_SECONDS})
 * @param recordTimeReserve a record is not started with less of the invocation left ({@code
 *     RECORD_TIME_RESERVE_MS}, by default and at least {@link RecordBudget#worstCase}); it comes back with the
 *     batch's failures instead. With {@code FUNCTION_TIMEOUT_SECONDS} set, start-up also checks that the timeout
 *     holds one such record
 * @param batchConcurrency records of one batch in flight at once ({@code BATCH_CONCURRENCY}, 1 to {@value
 *     BatchProcessor#MAX_CONCURRENCY}, {@link Deployment#BATCH_CONCURRENCY} by default)
 * @param userServiceUrl optional user service to POST new users to ({@code USER_SERVICE_URL})
 * @param userServiceApiKey an API key in plain text, for a user service on loopback only ({@code
 *     USER_SERVICE_API_KEY}); see {@link UserServiceKey}
 * @param userServiceApiKeySecretArn the Secrets Manager secret holding the API key ({@code
 *     USER_SERVICE_API_KEY_SECRET_ARN})
 * @param unverifiedEmail whether an unverified address gets the welcome email ({@code WELCOME_EMAIL_UNVERIFIED},
 *     {@code skip} by default, or {@code send})
 * @param brand the product name and links the welcome email shows ({@code WELCOME_EMAIL_PRODUCT_NAME}, {@code
 *     WELCOME_EMAIL_SIGN_IN_URL}, {@code WELCOME_EMAIL_SUPPORT_URL}; each optional, the links https)
 * @param defaultLocale the welcome email's locale for users whose own has no templates ({@code
 *     WELCOME_EMAIL_DEFAULT_LOCALE}, {@code en} by default)
 * @param configurationSet the SES configuration set every send names ({@code SES_CONFIGURATION_SET}), so bounces
 *     and complaints reach its event destination; empty for emulators without one
 * @param aws region and endpoints of the AWS clients
 */
public record ProvisionerConfig(
        String tableName,
        String senderAddress,
        String queueUrl,
        String deadLetterQueueUrl,
        Duration backoffBase,
        Duration backoffCap,
        int maxReceiveCount,
        Duration emailClaimLease,
        Duration recordTimeReserve,
        int batchConcurrency,
        Optional<URI> userServiceUrl,
        Optional<String> userServiceApiKey,
        Optional<String> userServiceApiKeySecretArn,
        UnverifiedEmail unverifiedEmail,
        Brand brand,
        String defaultLocale,
        Optional<String> configurationSet,
        AwsSettings aws) {

    static ProvisionerConfig from(Settings settings) {
        String sender = sender(settings);
        Duration base =
                settings.seconds(FunctionEnvironment.BACKOFF_BASE_SECONDS, Duration.ofSeconds(2), Duration.ZERO);
        Duration cap =
                settings.seconds(FunctionEnvironment.BACKOFF_CAP_SECONDS, Duration.ofSeconds(300), Duration.ZERO);
        checkBackoff(base, cap);
        AwsSettings aws = settings.aws();
        Duration lease = lease(settings, aws);
        Optional<URI> userService = settings.optionalUri(FunctionEnvironment.USER_SERVICE_URL);
        Duration reserve = reserve(settings, aws, lease, userService.isPresent());
        if (userService.isPresent() && !isHttpsOrLoopback(userService.get())) {
            throw new ConfigurationException("Environment variable " + FunctionEnvironment.USER_SERVICE_URL
                    + " must be an https URL (http only on loopback, for local runs): the request carries the API key");
        }
        return new ProvisionerConfig(
                settings.required(FunctionEnvironment.TABLE_NAME, "the DynamoDB table of accounts"),
                sender,
                settings.required(FunctionEnvironment.QUEUE_URL, "the URL of the queue this function consumes"),
                settings.required(FunctionEnvironment.DLQ_URL, "the URL of the dead-letter queue"),
                base,
                cap,
                settings.integer(FunctionEnvironment.MAX_RECEIVE_COUNT, Deployment.MAX_RECEIVE_COUNT, 1, 1000),
                lease,
                reserve,
                settings.integer(
                        FunctionEnvironment.BATCH_CONCURRENCY,
                        Deployment.BATCH_CONCURRENCY,
                        1,
                        BatchProcessor.MAX_CONCURRENCY),
                userService,
                settings.optional(FunctionEnvironment.USER_SERVICE_API_KEY),
                settings.optional(FunctionEnvironment.USER_SERVICE_API_KEY_SECRET_ARN),
                settings.enumValue(
                        FunctionEnvironment.WELCOME_EMAIL_UNVERIFIED, UnverifiedEmail.class, UnverifiedEmail.SKIP),
                new Brand(
                        settings.optional(FunctionEnvironment.WELCOME_EMAIL_PRODUCT_NAME)
                                .orElse(""),
                        link(settings, FunctionEnvironment.WELCOME_EMAIL_SIGN_IN_URL),
                        link(settings, FunctionEnvironment.WELCOME_EMAIL_SUPPORT_URL)),
                settings.optional(FunctionEnvironment.WELCOME_EMAIL_DEFAULT_LOCALE)
                        .orElse("en"),
                settings.optional(FunctionEnvironment.SES_CONFIGURATION_SET),
                aws);
    }

    private static String sender(Settings settings) {
        String sender = settings.required(
                FunctionEnvironment.SENDER_ADDRESS, "the verified SES identity welcome emails are sent from");
        if (!EmailAddresses.isPlausible(sender)) {
            throw new ConfigurationException("Environment variable SENDER_ADDRESS is not an email address");
        }
        return sender;
    }

    private static void checkBackoff(Duration base, Duration cap) {
        if (cap.compareTo(RetryBackoff.MAX_DELAY) > 0) {
            throw new ConfigurationException("BACKOFF_CAP_SECONDS must be at most " + RetryBackoff.MAX_DELAY.toSeconds()
                    + " (SQS's 12-hour visibility limit, less an hour of processing)");
        }
        if (base.compareTo(cap) > 0) {
            throw new ConfigurationException("BACKOFF_BASE_SECONDS (" + base.toSeconds()
                    + ") must not exceed BACKOFF_CAP_SECONDS (" + cap.toSeconds() + ")");
        }
    }

    private static Duration lease(Settings settings, AwsSettings aws) {
        Duration lease = settings.seconds(
                FunctionEnvironment.EMAIL_CLAIM_LEASE_SECONDS, Duration.ofSeconds(60), Duration.ofSeconds(1));
        if (lease.compareTo(aws.apiCallTimeout()) <= 0 || lease.compareTo(RetryBackoff.MAX_DELAY) > 0) {
            throw new ConfigurationException("EMAIL_CLAIM_LEASE_SECONDS (" + lease.toSeconds()
                    + ") must be longer than one SES call may take (AWS_API_CALL_TIMEOUT_MS, "
                    + aws.apiCallTimeout().toMillis() + " ms) and at most " + RetryBackoff.MAX_DELAY.toSeconds());
        }
        return lease;
    }

    /** One record's reserve (RecordBudget), checked against the timeouts and the function's own timeout. */
    private static Duration reserve(Settings settings, AwsSettings aws, Duration lease, boolean userService) {
        Duration worstCase = RecordBudget.worstCase(aws.apiCallTimeout(), lease, userService);
        Duration reserve = settings.millis(FunctionEnvironment.RECORD_TIME_RESERVE_MS, worstCase, Duration.ZERO);
        if (reserve.compareTo(worstCase) < 0) {
            throw new ConfigurationException(FunctionEnvironment.RECORD_TIME_RESERVE_MS + " (" + reserve.toMillis()
                    + " ms) is less than one record may take with these timeouts (" + worstCase.toMillis()
                    + " ms: see RecordBudget); a record started with less left could be cut off with its batch's"
                    + " response. Leave it unset, or lower AWS_API_CALL_TIMEOUT_MS or EMAIL_CLAIM_LEASE_SECONDS");
        }
        // Zero when unset: Lambda does not tell a function its configured timeout.
        Duration functionTimeout =
                settings.seconds(FunctionEnvironment.FUNCTION_TIMEOUT_SECONDS, Duration.ZERO, Duration.ZERO);
        if (!functionTimeout.isZero() && functionTimeout.compareTo(RecordBudget.minimumFunctionTimeout(reserve)) < 0) {
            throw new ConfigurationException("The function timeout (" + functionTimeout.toSeconds() + " s, "
                    + FunctionEnvironment.FUNCTION_TIMEOUT_SECONDS + ") cannot hold one record ("
                    + reserve.toMillis() + " ms) and the invocation's margin ("
                    + RecordBudget.INVOCATION_MARGIN.toMillis() + " ms)");
        }
        return reserve;
    }

    /** A link for the welcome email: https (http on loopback, for local runs), or empty when unset. */
    private static String link(Settings settings, String name) {
        Optional<URI> url = settings.optionalUri(name);
        if (url.isPresent() && !isHttpsOrLoopback(url.get())) {
            throw new ConfigurationException("Environment variable " + name
                    + " must be an https URL (http only on loopback, for local runs): it is a link in every email");
        }
        return url.map(URI::toString).orElse("");
    }

    /** https, or http to this machine, where nothing is on the wire. */
    static boolean isHttpsOrLoopback(URI uri) {
        return "https".equalsIgnoreCase(uri.getScheme())
                || ("http".equalsIgnoreCase(uri.getScheme()) && isLoopback(uri));
    }

    /** Whether the URL's host is this machine: 127.0.0.0/8, ::1 or localhost. */
    static boolean isLoopback(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(java.util.Locale.ROOT);
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }
}
