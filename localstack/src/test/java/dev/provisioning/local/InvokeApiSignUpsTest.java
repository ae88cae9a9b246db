package dev.provisioning.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The PostConfirmation events the harness sends on the Invoke API are the events Cognito sends. */
class InvokeApiSignUpsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void event_whenUserHasNoLocale_hasExactlyTheFieldsOfTheEventCognitoLocalRecorded() throws Exception {
        JsonNode recorded;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/cognito-local-post-confirmation.json")) {
            recorded = JSON.readTree(in);
        }
        InvokeApiSignUps.User user = new InvokeApiSignUps.User(
                "cea51eba-4477-4090-aa07-dbd4b4b7181b", "ada@example.com", "Ada Lovelace", null);

        JsonNode sent = JSON.readTree(InvokeApiSignUps.event(LocalPipeline.INVOKE_API_POOL_ID, user));

        assertThat(paths(sent)).isEqualTo(paths(recorded));
        assertThat(sent.path("triggerSource").asText()).isEqualTo("PostConfirmation_ConfirmSignUp");
        assertThat(sent.path("request").path("userAttributes"))
                .isEqualTo(recorded.path("request").path("userAttributes"));
        assertThat(sent.path("userName").asText()).isEqualTo(user.sub());
        assertThat(sent.path("response").isEmpty()).isTrue();
    }

    @Property
    void event_forAnyUser_carriesTheUsersAttributesUnchanged(
            @ForAll @StringLength(max = 40) String name,
            @ForAll @StringLength(min = 1, max = 40) String localPart,
            @ForAll boolean withLocale)
            throws Exception {
        InvokeApiSignUps.User user = new InvokeApiSignUps.User(
                "0f6ee1b4-5c8e-4a39-8a1c-5b1c0d7f6a11", localPart + "@example.com", name, withLocale ? "de-AT" : null);

        JsonNode attributes = JSON.readTree(InvokeApiSignUps.event("us-east-1_Pool12345", user))
                .path("request")
                .path("userAttributes");

        assertThat(attributes.path("email").asText()).isEqualTo(user.email());
        assertThat(attributes.path("name").asText()).isEqualTo(name);
        assertThat(attributes.has("locale")).isEqualTo(withLocale);
        assertThat(attributes.path("sub").asText()).isEqualTo(user.sub());
        // Cognito sends every attribute as a string.
        for (Iterator<Map.Entry<String, JsonNode>> it = attributes.fields(); it.hasNext(); ) {
            assertThat(it.next().getValue().isTextual()).isTrue();
        }
    }

    @Test
    void user_whenNumbered_isTheUserOfTheSameNumberThroughCognitoLocalWithANewSub() {
        InvokeApiSignUps.User first = InvokeApiSignUps.user(7);
        InvokeApiSignUps.User again = InvokeApiSignUps.user(7);

        assertThat(first.email()).isEqualTo(SampleUsers.email(7));
        assertThat(first.name()).isEqualTo(SampleUsers.displayName(7));
        assertThat(first.locale()).isEqualTo(SampleUsers.locale(7));
        assertThat(first.sub()).isNotEqualTo(again.sub());
    }

    /** Every field path of a JSON tree, e.g. {@code request.userAttributes.sub}. */
    private static TreeSet<String> paths(JsonNode node) {
        TreeSet<String> paths = new TreeSet<>();
        collect(node, "", paths);
        return paths;
    }

    private static void collect(JsonNode node, String prefix, TreeSet<String> into) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            String path = prefix + name;
            into.add(path);
            collect(node.get(name), path + ".", into);
        }
    }
}
