package dev.provisioning.ops.doctor;

import dev.provisioning.common.AccountItem;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryDescription;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.SSEStatus;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** Check 5: the accounts table has the key and the settings the stack gives it. */
final class TableChecks {

    private final DynamoDbClient dynamoDb;

    TableChecks(DynamoDbClient dynamoDb) {
        this.dynamoDb = dynamoDb;
    }

    void check(Target target, List<Check> checks) {
        if (target.table().isEmpty()) {
            checks.add(Check.skip("table", "skipped: --table (TABLE_NAME) would enable it"));
            return;
        }
        String name = target.table().get();
        TableDescription table;
        try {
            table = dynamoDb.describeTable(r -> r.tableName(name)).table();
        } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException e) {
            checks.add(Check.fail("table", "no table " + name, "check --table and the region"));
            return;
        } catch (SdkException e) {
            checks.add(Check.couldNotCheck("table", e));
            return;
        }
        checks.add(key(name, table));
        checks.addAll(settings(name, table));
        checks.add(pointInTimeRecovery(name));
    }

    private static Check key(String name, TableDescription table) {
        List<KeySchemaElement> keys = table.keySchema();
        boolean hashOnAccountId = keys.size() == 1
                && keys.get(0).attributeName().equals(AccountItem.KEY)
                && keys.get(0).keyTypeAsString().equals("HASH");
        boolean string = table.attributeDefinitions().stream()
                .filter(d -> d.attributeName().equals(AccountItem.KEY))
                .map(AttributeDefinition::attributeTypeAsString)
                .anyMatch("S"::equals);
        if (hashOnAccountId && string) {
            return Check.ok("table", name + " key accountId (HASH, S), " + table.tableStatusAsString());
        }
        return Check.fail(
                "table",
                name + " has key " + keys + ", expected accountId (HASH, S) alone",
                "point --table (TABLE_NAME) at the accounts table the stack created");
    }

    /** What the stack sets on the table: on demand, deletion protection, the AWS managed KMS key. */
    private static List<Check> settings(String name, TableDescription table) {
        List<Check> checks = new ArrayList<>();
        // A table created with provisioned capacity has no BillingModeSummary.
        BillingMode billing = table.billingModeSummary() == null
                ? BillingMode.PROVISIONED
                : table.billingModeSummary().billingMode();
        if (billing == BillingMode.PAY_PER_REQUEST) {
            checks.add(Check.ok("table.billing", name + " is on demand (PAY_PER_REQUEST)"));
        } else {
            checks.add(Check.warn(
                    "table.billing",
                    name + " has provisioned capacity: a burst of sign-ups is throttled and provisioned late",
                    "aws dynamodb update-table --table-name " + name + " --billing-mode PAY_PER_REQUEST (infra's)"));
        }
        if (Boolean.TRUE.equals(table.deletionProtectionEnabled())) {
            checks.add(Check.ok("table.deletion-protection", name + " has deletion protection"));
        } else {
            checks.add(Check.warn(
                    "table.deletion-protection",
                    name + " has no deletion protection: one call deletes every account",
                    "aws dynamodb update-table --table-name " + name + " --deletion-protection-enabled"));
        }
        if (table.sseDescription() != null && table.sseDescription().status() == SSEStatus.ENABLED) {
            checks.add(Check.ok(
                    "table.sse",
                    name + " is encrypted with KMS (" + table.sseDescription().sseTypeAsString() + ", "
                            + table.sseDescription().kmsMasterKeyArn() + ")"));
        } else {
            checks.add(Check.warn(
                    "table.sse",
                    name + " uses the AWS owned key (the default), not the AWS managed KMS key the stack sets,"
                            + " so key use is not in CloudTrail",
                    "aws dynamodb update-table --table-name " + name
                            + " --sse-specification Enabled=true,SSEType=KMS"));
        }
        return checks;
    }

    private Check pointInTimeRecovery(String name) {
        try {
            PointInTimeRecoveryDescription pitr = dynamoDb.describeContinuousBackups(r -> r.tableName(name))
                    .continuousBackupsDescription()
                    .pointInTimeRecoveryDescription();
            if (pitr != null && pitr.pointInTimeRecoveryStatus() == PointInTimeRecoveryStatus.ENABLED) {
                return Check.ok("table.pitr", name + " has point-in-time recovery");
            }
            return Check.warn(
                    "table.pitr",
                    name + " has no point-in-time recovery: a bad write or delete cannot be undone",
                    "aws dynamodb update-continuous-backups --table-name " + name
                            + " --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true");
        } catch (SdkException e) {
            return Check.couldNotCheck("table.pitr", e);
        }
    }
}
