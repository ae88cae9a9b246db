package dev.provisioning.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.provisioning.common.AccountItem;
import dev.provisioning.common.UserConfirmed;
import dev.provisioning.provisioner.AccountStore.EmailClaim;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** The conditional writes of the account item, against DynamoDB Local. */
class AccountStoreTest {

    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final Instant T0 = Instant.parse("2026-11-24T10:16:00Z");

    private static LocalDynamoDb dynamoDbLocal;
    private static DynamoDbClient dynamoDb;
    private static AccountStore store;

    @BeforeAll
    static void start() throws Exception {
        dynamoDbLocal = LocalDynamoDb.start();
        dynamoDb = dynamoDbLocal.client(List.of());
        store = new AccountStore(dynamoDb, LocalDynamoDb.TABLE);
    }

    @AfterAll
    static void stop() throws Exception {
        dynamoDb.close();
        dynamoDbLocal.close();
    }

    @Test
    void createIfAbsent_whenDeliveredTwice_createsOnceAndReturnsTheStoredItem() {
        UserConfirmed message = Messages.confirmed("create-twice");

        AccountStore.Account first = store.createIfAbsent(message, T0);
        AccountStore.Account second = store.createIfAbsent(Messages.confirmed("create-twice"), T0.plusSeconds(5));

        assertThat(first.created()).isTrue();
        assertThat(second.created()).isFalse();
        assertThat(second.item().get("sourceMessageId").s()).isEqualTo(message.messageId());
        assertThat(second.emailState()).isEqualTo(AccountItem.EmailState.PENDING);
    }

    @Test
    void claimEmail_whenClaimIsYoungerThanTheLease_isBusyForTheRestOfIt() {
        String id = created("busy");

        EmailClaim first = store.claimEmail(id, T0, LEASE);
        EmailClaim second = store.claimEmail(id, T0.plusSeconds(20), LEASE);

        assertThat(first).isInstanceOfSatisfying(EmailClaim.Claimed.class, c -> assertThat(c.takeover())
                .isFalse());
        assertThat(second).isEqualTo(new EmailClaim.Busy(Duration.ofSeconds(40)));
    }

    @Test
    void claimEmail_whenClaimExpired_takesItOverOnceAndCountsTheTakeover() {
        String id = created("takeover");
        EmailClaim.Claimed stale = (EmailClaim.Claimed) store.claimEmail(id, T0, LEASE);

        EmailClaim takeover = store.claimEmail(id, T0.plus(LEASE).plusSeconds(1), LEASE);
        EmailClaim racingTakeover = store.claimEmail(id, T0.plus(LEASE).plusSeconds(1), LEASE);

        assertThat(takeover).isInstanceOfSatisfying(EmailClaim.Claimed.class, c -> {
            assertThat(c.takeover()).isTrue();
            assertThat(c.attempt()).isEqualTo(2);
        });
        assertThat(racingTakeover).isInstanceOf(EmailClaim.Busy.class);
        assertThat(item(id).get("emailTakeovers").n()).isEqualTo("1");
        // The stale worker's late confirmation must not overwrite the new claim.
        assertThat(store.markEmailSent(id, stale.token(), "ses-stale", T0.plusSeconds(90)))
                .isFalse();
        assertThat(item(id).get("emailState").s()).isEqualTo("SENDING");
    }

    @Test
    void claimEmail_whenReleasedAfterAnAnsweredFailure_isClaimedAgainWithoutTakeover() {
        String id = created("released");
        EmailClaim.Claimed first = (EmailClaim.Claimed) store.claimEmail(id, T0, LEASE);

        assertThat(store.releaseEmailClaim(id, first.token(), "ThrottlingException"))
                .isTrue();
        EmailClaim again = store.claimEmail(id, T0.plusSeconds(1), LEASE);

        assertThat(again).isInstanceOfSatisfying(EmailClaim.Claimed.class, c -> {
            assertThat(c.takeover()).isFalse();
            assertThat(c.attempt()).isEqualTo(2);
        });
        assertThat(item(id)).doesNotContainKey("emailTakeovers");
    }

    @Test
    void claimEmail_whenAlreadySent_isAlreadyDone() {
        String id = created("sent");
        EmailClaim.Claimed claim = (EmailClaim.Claimed) store.claimEmail(id, T0, LEASE);
        store.markEmailSent(id, claim.token(), "ses-1", T0.plusSeconds(1));

        assertThat(store.claimEmail(id, T0.plus(LEASE).plusSeconds(5), LEASE))
                .isEqualTo(new EmailClaim.AlreadyDone(AccountItem.EmailState.SENT));
    }

    @Test
    void markEmailSent_whenTheFirstAnswerWasLost_aRepeatStillSucceeds() {
        AtomicInteger updatesToLose = new AtomicInteger(1);
        try (DynamoDbClient losing = dynamoDbLocal.client(List.of(new LoseAnswerOfUpdates(updatesToLose)))) {
            AccountStore lossy = new AccountStore(losing, LocalDynamoDb.TABLE);
            String id = created("lost-answer");
            EmailClaim.Claimed claim = (EmailClaim.Claimed) store.claimEmail(id, T0, LEASE);

            assertThatThrownBy(() -> lossy.markEmailSent(id, claim.token(), "ses-1", T0.plusSeconds(1)))
                    .isInstanceOf(SdkClientException.class);
            boolean repeated = lossy.markEmailSent(id, claim.token(), "ses-1", T0.plusSeconds(2));

            assertThat(repeated).isTrue();
            assertThat(item(id).get("emailState").s()).isEqualTo("SENT");
            assertThat(item(id).get("emailMessageId").s()).isEqualTo("ses-1");
        }
    }

    @Test
    void markEmailSent_whenAnotherSendIsRecorded_isRefused() {
        String id = created("other-send");
        EmailClaim.Claimed claim = (EmailClaim.Claimed) store.claimEmail(id, T0, LEASE);
        store.markEmailSent(id, claim.token(), "ses-1", T0.plusSeconds(1));

        assertThat(store.markEmailSent(id, claim.token(), "ses-2", T0.plusSeconds(2)))
                .isFalse();
        assertThat(item(id).get("emailMessageId").s()).isEqualTo("ses-1");
    }

    private static String created(String sub) {
        return store.createIfAbsent(Messages.confirmed(sub), T0).accountId();
    }

    private static Map<String, AttributeValue> item(String id) {
        return dynamoDb.getItem(b -> b.tableName(LocalDynamoDb.TABLE)
                        .key(Map.of(AccountItem.KEY, AttributeValue.fromS(id)))
                        .consistentRead(true))
                .item();
    }

    /** Lets UpdateItem calls commit, then fails them as if the answer was lost on the way back. */
    private record LoseAnswerOfUpdates(AtomicInteger remaining) implements ExecutionInterceptor {
        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof UpdateItemRequest && remaining.getAndDecrement() > 0) {
                throw SdkClientException.create("answer lost after the write committed");
            }
        }
    }
}
