package dev.provisioning.ops.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.AwsClientFactory;
import dev.provisioning.common.Settings;
import dev.provisioning.ops.MotoTestServer;
import dev.provisioning.ops.OpsCli;
import dev.provisioning.ops.cli.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** The DLQ scan and redrive against moto's SQS: bounded scans, per-message failures, dry runs that leave no trace. */
class DeadLetterQueueTest {

    private static MotoTestServer moto;
    private static AwsClientFactory factory;
    private static SqsClient sqs;

    private final ByteArrayOutputStream progressBytes = new ByteArrayOutputStream();
    private final Progress progress = Progress.lines(new PrintStream(progressBytes, true, StandardCharsets.UTF_8));
    private String dlqUrl;
    private String queueUrl;

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoTestServer.start();
        factory = moto.clientFactory();
        sqs = factory.build(SqsClient.builder(), "SQS");
    }

    @AfterAll
    static void stopMoto() {
        if (sqs != null) {
            sqs.close();
        }
        if (factory != null) {
            factory.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @BeforeEach
    void createQueues() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        dlqUrl = sqs.createQueue(b -> b.queueName("dlq-" + suffix)).queueUrl();
        queueUrl = sqs.createQueue(b -> b.queueName("queue-" + suffix)).queueUrl();
    }

    @Test
    void list_whenQueueOutlastsTheHold_stopsAtTheFirstRepeatAndCountsEachMessageOnce() {
        deadLetter(30, "NOT_JSON", "not json");
        // The hold (visibility) is 1 s and the second receive waits longer: the first batch is back by then.
        SqsClient slow = new ForwardingSqsClient(sqs) {
            private int receives;

            @Override
            public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
                if (receives++ == 1) {
                    pause(Duration.ofMillis(1500));
                }
                return super.receiveMessage(request);
            }
        };
        DeadLetterQueue dlq = new DeadLetterQueue(slow, dlqUrl, frozenClock(), Duration.ofSeconds(1));

        Listing listing = dlq.list(progress);

        assertThat(listing.coverage().seen()).isEqualTo(listing.total()).isLessThan(30);
        assertThat(listing.groups()).singleElement().satisfies(group -> assertThat(group.count())
                .isEqualTo(listing.total()));
        assertThat(listing.coverage().complete()).isFalse();
        assertThat(listing.coverage().notes(dlq.hold()))
                .singleElement()
                .asString()
                .contains("of about 30 messages")
                .contains("received twice");
        assertThat(depth(dlqUrl)).as("everything visible again").isEqualTo(new Depth(30, 0));
    }

    @Test
    void list_whenHalfTheHoldHasPassed_stopsAndReleasesWhatItHid() {
        deadLetter(30, "NOT_JSON", "not json");
        // Each look at the clock is 1 s later; half of a 4 s hold has passed at the third look.
        Clock stepping = new SteppingClock(Duration.ofSeconds(1));
        DeadLetterQueue dlq = new DeadLetterQueue(sqs, dlqUrl, stepping, Duration.ofSeconds(4));

        Listing listing = dlq.list(progress);

        assertThat(listing.total()).isLessThan(30);
        assertThat(listing.coverage().stoppedEarly()).get().asString().contains("half the 4 s hold");
        assertThat(depth(dlqUrl)).isEqualTo(new Depth(30, 0));
    }

    @Test
    void list_whenRetriesWereExhausted_groupsByTheLastReason() {
        deadLetter(2, "RETRIES_EXHAUSTED", "after 10 attempts, last: THROTTLED ThrottlingException: slow down");
        deadLetter(1, "RETRIES_EXHAUSTED", "after 10 attempts, last: SERVICE_ERROR DynamoDbException: 500");
        deadLetter(1, "NOT_JSON", "not json");
        DeadLetterQueue dlq = new DeadLetterQueue(sqs, dlqUrl, Clock.systemUTC());

        Listing listing = dlq.list(progress);

        assertThat(listing.groups())
                .extracting(Listing.Group::label, Listing.Group::count)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("NOT_JSON", 1),
                        org.assertj.core.groups.Tuple.tuple("RETRIES_EXHAUSTED (last SERVICE_ERROR)", 1),
                        org.assertj.core.groups.Tuple.tuple("RETRIES_EXHAUSTED (last THROTTLED)", 2));
        assertThat(listing.coverage().complete()).isTrue();
        assertThat(listing.toJson()).contains("\"lastReason\" : \"THROTTLED\"").contains("\"complete\" : true");
        assertThat(depth(dlqUrl)).isEqualTo(new Depth(4, 0));
    }

    @Test
    void read_whenLimitIsReached_saysSo() {
        deadLetter(25, "NOT_JSON", "not json");
        DeadLetterQueue dlq = new DeadLetterQueue(sqs, dlqUrl, Clock.systemUTC());

        DeadLetterQueue.Read read = dlq.read(true, 12, progress);

        assertThat(read.messages()).hasSize(12);
        assertThat(read.coverage().stoppedEarly()).get().asString().contains("limit of 12");
        assertThat(depth(dlqUrl)).isEqualTo(new Depth(25, 0));
    }

    @Test
    void redrive_whenReasonIsTheLastReason_movesOnlyThoseWithoutFailureAttributes() {
        deadLetter(2, "RETRIES_EXHAUSTED", "after 10 attempts, last: THROTTLED ThrottlingException: slow down");
        deadLetter(1, "RETRIES_EXHAUSTED", "after 10 attempts, last: SERVICE_ERROR DynamoDbException: 500");
        deadLetter(1, "THROTTLED", "a reason given directly");
        deadLetter(1, "NOT_JSON", "not json");
        DeadLetterQueue dlq = new DeadLetterQueue(sqs, dlqUrl, Clock.systemUTC());

        RedriveResult result = dlq.redrive(queueUrl, Optional.of("THROTTLED"), Integer.MAX_VALUE, false, progress);

        assertThat(result.moved()).isEqualTo(3);
        assertThat(result.skipped()).isEqualTo(2);
        assertThat(result.failed()).isZero();
        assertThat(result.ok()).isTrue();
        List<Message> moved = drain(queueUrl);
        assertThat(moved).hasSize(3).allSatisfy(message -> {
            assertThat(message.messageAttributes()).containsOnlyKeys("producer");
        });
        assertThat(depth(dlqUrl)).isEqualTo(new Depth(2, 0));
    }

    @Test
    void redrive_whenSendsFailMidway_goesOnCountsAndLeavesTheFailedOnTheDlq() {
        deadLetter(15, "RETRIES_EXHAUSTED", "after 10 attempts, last: THROTTLED x");
        AtomicInteger sends = new AtomicInteger();
        SqsClient flaky = new ForwardingSqsClient(sqs) {
            @Override
            public SendMessageResponse sendMessage(SendMessageRequest request) {
                int send = sends.incrementAndGet();
                if (send == 3 || send == 7) {
                    throw (SqsException) SqsException.builder()
                            .message("injected failure of send " + send)
                            .awsErrorDetails(AwsErrorDetails.builder()
                                    .errorCode("ServiceUnavailable")
                                    .build())
                            .statusCode(503)
                            .build();
                }
                return super.sendMessage(request);
            }
        };
        DeadLetterQueue dlq = new DeadLetterQueue(flaky, dlqUrl, Clock.systemUTC());

        RedriveResult result = dlq.redrive(queueUrl, Optional.empty(), Integer.MAX_VALUE, false, progress);

        assertThat(result.moved()).isEqualTo(13);
        assertThat(result.failed()).isEqualTo(2);
        assertThat(result.ok()).isFalse();
        assertThat(drain(queueUrl)).hasSize(13);
        assertThat(depth(dlqUrl)).as("the two that failed, visible again").isEqualTo(new Depth(2, 0));
        assertThat(progressBytes.toString(StandardCharsets.UTF_8))
                .contains("send failed, left on the DLQ")
                .contains("injected failure of send 3");
    }

    @Test
    void redrive_whenDeleteFailsAfterTheSend_countsItFailedAndKeepsTheOriginal() {
        deadLetter(3, "NOT_JSON", "x");
        SqsClient noDelete = new ForwardingSqsClient(sqs) {
            @Override
            public DeleteMessageResponse deleteMessage(DeleteMessageRequest request) {
                throw (SqsException) SqsException.builder()
                        .message("injected")
                        .statusCode(500)
                        .build();
            }
        };
        DeadLetterQueue dlq = new DeadLetterQueue(noDelete, dlqUrl, Clock.systemUTC());

        RedriveResult result = dlq.redrive(queueUrl, Optional.empty(), Integer.MAX_VALUE, false, progress);

        assertThat(result.moved()).isZero();
        assertThat(result.failed()).isEqualTo(3);
        assertThat(depth(dlqUrl)).isEqualTo(new Depth(3, 0));
        assertThat(progressBytes.toString(StandardCharsets.UTF_8)).contains("the delete from the DLQ failed");
    }

    @Test
    void redrive_whenARedrivenMessageFailsAgainAtOnce_doesNotSendItAgainInTheSameRun() {
        deadLetter(12, "NOT_JSON", "x");
        // What the provisioner does with poison: dead-letters it again, as a new message, at once.
        SqsClient poisoned = new ForwardingSqsClient(sqs) {
            @Override
            public SendMessageResponse sendMessage(SendMessageRequest request) {
                SendMessageResponse response = super.sendMessage(request);
                if (request.queueUrl().equals(queueUrl)) {
                    super.sendMessage(request.toBuilder().queueUrl(dlqUrl).build());
                }
                return response;
            }
        };
        DeadLetterQueue dlq = new DeadLetterQueue(poisoned, dlqUrl, Clock.systemUTC());

        RedriveResult result = dlq.redrive(queueUrl, Optional.empty(), Integer.MAX_VALUE, false, progress);

        assertThat(result.moved()).isEqualTo(12);
        assertThat(result.arrived())
                .as("the re-dead-lettered copies, seen and left")
                .isEqualTo(12);
        assertThat(drain(queueUrl)).hasSize(12);
        assertThat(depth(dlqUrl)).isEqualTo(new Depth(12, 0));
    }

    @Test
    void redrive_whenDryRun_changesNothingAndLeavesEveryMessageVisible() {
        deadLetter(25, "NOT_JSON", "x");
        DeadLetterQueue dlq = new DeadLetterQueue(sqs, dlqUrl, Clock.systemUTC());

        RedriveResult result = dlq.redrive(queueUrl, Optional.empty(), Integer.MAX_VALUE, true, progress);

        assertThat(result.moved()).isEqualTo(25);
        assertThat(result.coverage().complete()).isTrue();
        assertThat(depth(dlqUrl)).isEqualTo(new Depth(25, 0));
        assertThat(depth(queueUrl)).isEqualTo(new Depth(0, 0));
    }

    @Test
    void redrive_whenMaxIsGiven_movesThatManyAndReleasesTheRest() {
        deadLetter(25, "NOT_JSON", "x");
        DeadLetterQueue dlq = new DeadLetterQueue(sqs, dlqUrl, Clock.systemUTC());

        RedriveResult result = dlq.redrive(queueUrl, Optional.empty(), 4, false, progress);

        assertThat(result.moved()).isEqualTo(4);
        assertThat(result.coverage().complete()).isTrue();
        assertThat(depth(queueUrl)).isEqualTo(new Depth(4, 0));
        assertThat(depth(dlqUrl)).isEqualTo(new Depth(21, 0));
    }

    @Test
    void run_whenTargetQueueRefusesEverySend_stopsPrintsTheCountsAndExitsThree() {
        deadLetter(15, "NOT_JSON", "x");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = OpsCli.create(Settings.of(Map.of(
                        "AWS_REGION", "us-east-1",
                        "AWS_ENDPOINT_URL", moto.endpoint().toString(),
                        "AWS_ACCESS_KEY_ID", "test",
                        "AWS_SECRET_ACCESS_KEY", "test")))
                .run(
                        List.of("dlq", "redrive", "--dlq-url", dlqUrl, "--queue-url", queueUrl + "-missing"),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(3);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("moved=0")
                .contains("failed=10")
                .contains("complete=false");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("10 messages in a row failed");
        assertThat(depth(dlqUrl)).isEqualTo(new Depth(15, 0));
    }

    private void deadLetter(int count, String reason, String message) {
        for (int i = 0; i < count; i++) {
            String sub = UUID.randomUUID().toString();
            sqs.sendMessage(b -> b.queueUrl(dlqUrl)
                    .messageBody("{\"sub\":\"" + sub + "\"}")
                    .messageAttributes(Map.of(
                            "producer", text("trigger"),
                            "failure.reason", text(reason),
                            "failure.class", text("TRANSIENT"),
                            "failure.message", text(message),
                            "source.messageId", text(UUID.randomUUID().toString()))));
        }
    }

    private record Depth(int visible, int hidden) {}

    private static Depth depth(String url) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(url)
                        .attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return new Depth(
                Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)),
                Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)));
    }

    private static List<Message> drain(String url) {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(url)
                            .maxNumberOfMessages(10)
                            .visibilityTimeout(60)
                            .messageAttributeNames("All"))
                    .messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
        }
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder()
                .dataType("String")
                .stringValue(value)
                .build();
    }

    private static Clock frozenClock() {
        return Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A clock that moves on by {@code step} every time it is read. */
    private static final class SteppingClock extends Clock {
        private final Duration step;
        private Instant now = Instant.parse("2026-03-01T12:00:00Z");

        SteppingClock(Duration step) {
            this.step = step;
        }

        @Override
        public Instant instant() {
            Instant current = now;
            now = now.plus(step);
            return current;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** The real (moto) client, with the calls a test overrides; the others are not used by the DLQ. */
    static class ForwardingSqsClient implements SqsClient {
        private final SqsClient delegate;

        ForwardingSqsClient(SqsClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
            return delegate.receiveMessage(request);
        }

        @Override
        public SendMessageResponse sendMessage(SendMessageRequest request) {
            return delegate.sendMessage(request);
        }

        @Override
        public DeleteMessageResponse deleteMessage(DeleteMessageRequest request) {
            return delegate.deleteMessage(request);
        }

        @Override
        public ChangeMessageVisibilityBatchResponse changeMessageVisibilityBatch(
                ChangeMessageVisibilityBatchRequest request) {
            return delegate.changeMessageVisibilityBatch(request);
        }

        @Override
        public GetQueueAttributesResponse getQueueAttributes(GetQueueAttributesRequest request) {
            return delegate.getQueueAttributes(request);
        }

        @Override
        public String serviceName() {
            return delegate.serviceName();
        }

        @Override
        public void close() {
            // The delegate belongs to the test class.
        }
    }
}
