package dev.provisioning.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;
import software.constructs.IConstruct;

/** Builds one synthesized stack for a test class, with tiny stand-in jars so no other module must be packaged. */
record StackFixture(ProvisioningStack stack, Template template, Map<String, Object> json) {

    static final String SENDER = "no-reply@example.com";

    /** Settings as {@code fromContext} would give with only the sender set, jars created under {@code dir}. */
    static StackSettings defaultSettings(Path dir) {
        Path trigger = jar(dir.resolve("ingest-trigger-lambda.jar"));
        Path provisioner = jar(dir.resolve("provisioner-lambda.jar"));
        return StackSettings.fromContext(
                key -> switch (key) {
                    case StackSettings.SENDER_ADDRESS -> SENDER;
                    case StackSettings.TRIGGER_JAR -> trigger.toString();
                    case StackSettings.PROVISIONER_JAR -> provisioner.toString();
                    default -> null;
                },
                dir);
    }

    /** The default settings (stand-in jars under {@code dir}) with {@code extra} context values added. */
    static StackSettings settings(Path dir, Map<String, String> extra) {
        StackSettings defaults = defaultSettings(dir);
        return StackSettings.fromContext(
                key -> switch (key) {
                    case StackSettings.SENDER_ADDRESS -> SENDER;
                    case StackSettings.TRIGGER_JAR -> defaults.triggerJar().toString();
                    case StackSettings.PROVISIONER_JAR ->
                        defaults.provisionerJar().toString();
                    default -> extra.get(key);
                },
                dir);
    }

    static StackFixture synth(StackSettings settings) {
        ProvisioningStack stack = stack(new App(), settings);
        Template template = Template.fromStack(stack);
        return new StackFixture(stack, template, template.toJSON());
    }

    /** The stack in {@code app}, not yet synthesized (so aspects can still be added to the app). */
    static ProvisioningStack stack(App app, StackSettings settings) {
        return new ProvisioningStack(app, "Test", StackProps.builder().build(), settings);
    }

    /** Writes a small valid jar (zip) with one entry. */
    static Path jar(Path path) {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(path))) {
            zip.putNextEntry(new ZipEntry("stand-in.txt"));
            zip.write(path.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            zip.closeEntry();
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String logicalId(IConstruct construct) {
        return stack.getLogicalId((CfnElement) construct.getNode().getDefaultChild());
    }

    Object resolve(Object value) {
        return stack.resolve(value);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> resources() {
        return (Map<String, Object>) json.get("Resources");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> resource(String logicalId) {
        return (Map<String, Object>) resources().get(logicalId);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> properties(String logicalId) {
        return (Map<String, Object>) resource(logicalId).get("Properties");
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> resourcesOfType(String type) {
        List<Map<String, Object>> found = new ArrayList<>();
        resources().values().forEach(value -> {
            Map<String, Object> resource = (Map<String, Object>) value;
            if (type.equals(resource.get("Type"))) {
                found.add(resource);
            }
        });
        return found;
    }

    /** The synthesized ARN of the SES identity {@code identity} in the stack's account and region. */
    static Object sesIdentityArn(String identity) {
        return Map.of(
                "Fn::Join",
                List.of(
                        "",
                        List.of(
                                "arn:",
                                Map.of("Ref", "AWS::Partition"),
                                ":ses:",
                                Map.of("Ref", "AWS::Region"),
                                ":",
                                Map.of("Ref", "AWS::AccountId"),
                                ":identity/" + identity)));
    }

    /** Every statement of every IAM policy attached to the role with this logical id. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> statementsOf(String roleLogicalId) {
        List<Map<String, Object>> statements = new ArrayList<>();
        for (Map<String, Object> policy : resourcesOfType("AWS::IAM::Policy")) {
            Map<String, Object> props = (Map<String, Object>) policy.get("Properties");
            if (((List<Object>) props.get("Roles")).contains(Map.of("Ref", roleLogicalId))) {
                Map<String, Object> document = (Map<String, Object>) props.get("PolicyDocument");
                statements.addAll((List<Map<String, Object>>) document.get("Statement"));
            }
        }
        return statements;
    }

    /** A statement's grants flattened to "action -> resource" pairs, conditions kept alongside. */
    static List<Grant> grants(List<Map<String, Object>> statements) {
        List<Grant> grants = new ArrayList<>();
        for (Map<String, Object> statement : statements) {
            for (Object action : asList(statement.get("Action"))) {
                for (Object resource : asList(statement.get("Resource"))) {
                    grants.add(new Grant(
                            (String) statement.get("Effect"), (String) action, resource, statement.get("Condition")));
                }
            }
        }
        return grants;
    }

    @SuppressWarnings("unchecked")
    static List<Object> asList(Object value) {
        return value instanceof List<?> list ? (List<Object>) list : List.of(value);
    }

    /** One allowed (or denied) action on one resource, with the statement's condition. */
    record Grant(String effect, String action, Object resource, Object condition) {
        static Grant allow(String action, Object resource) {
            return new Grant("Allow", action, resource, null);
        }

        static Grant allow(String action, Object resource, Object condition) {
            return new Grant("Allow", action, resource, condition);
        }
    }
}
