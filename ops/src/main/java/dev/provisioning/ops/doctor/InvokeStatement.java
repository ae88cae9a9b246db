package dev.provisioning.ops.doctor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provisioning.common.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An Allow statement for Cognito's service principal: every condition on a key must hold (IAM ANDs them).
 *
 * @param unsupported conditions on those keys whose operator doctor cannot evaluate
 */
record InvokeStatement(
        String sid, List<IamCondition> sourceArn, List<IamCondition> sourceAccount, List<String> unsupported) {

    boolean restrictsSourceArn() {
        return !sourceArn.isEmpty();
    }

    boolean restrictsSourceAccount() {
        return !sourceAccount.isEmpty();
    }

    boolean allowsSourceArn(String arn) {
        return sourceArn.stream().allMatch(c -> c.holds(arn));
    }

    boolean allowsSourceAccount(String account) {
        return sourceAccount.stream().allMatch(c -> c.holds(account));
    }

    String describeSourceArn() {
        return sourceArn.stream().map(IamCondition::toString).collect(Collectors.joining(" and "));
    }

    String describeSourceAccount() {
        return sourceAccount.stream().map(IamCondition::toString).collect(Collectors.joining(" and "));
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The statements letting Cognito invoke; condition keys compared case-insensitively, as IAM does. */
    static List<InvokeStatement> cognitoStatements(String policy) throws JsonProcessingException {
        List<InvokeStatement> statements = new ArrayList<>();
        for (JsonNode statement : JSON.readTree(policy).path("Statement")) {
            if (!"Allow".equals(statement.path("Effect").asText())
                    || !values(statement.path("Principal").path("Service")).contains(Deployment.COGNITO_PRINCIPAL)
                    || values(statement.path("Action")).stream()
                            .noneMatch(a -> a.equalsIgnoreCase("lambda:InvokeFunction") || a.equals("lambda:*"))) {
                continue;
            }
            List<IamCondition> sourceArn = new ArrayList<>();
            List<IamCondition> sourceAccount = new ArrayList<>();
            List<String> unsupported = new ArrayList<>();
            for (Map.Entry<String, JsonNode> operator :
                    statement.path("Condition").properties()) {
                for (Map.Entry<String, JsonNode> condition : operator.getValue().properties()) {
                    String key = condition.getKey().toLowerCase(Locale.ROOT);
                    if (!key.equals("aws:sourcearn") && !key.equals("aws:sourceaccount")) {
                        continue;
                    }
                    Optional<IamCondition> parsed = IamCondition.of(operator.getKey(), values(condition.getValue()));
                    if (parsed.isEmpty()) {
                        unsupported.add(operator.getKey() + " " + condition.getKey());
                    } else if (key.equals("aws:sourcearn")) {
                        sourceArn.add(parsed.get());
                    } else {
                        sourceAccount.add(parsed.get());
                    }
                }
            }
            statements.add(new InvokeStatement(
                    statement.path("Sid").asText(""),
                    List.copyOf(sourceArn),
                    List.copyOf(sourceAccount),
                    List.copyOf(unsupported)));
        }
        return statements;
    }

    private static List<String> values(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(v -> values.add(v.asText()));
        } else if (node.isValueNode()) {
            values.add(node.asText());
        }
        return values;
    }
}
