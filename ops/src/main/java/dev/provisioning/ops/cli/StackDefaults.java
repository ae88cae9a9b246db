package dev.provisioning.ops.cli;

import dev.provisioning.common.Settings;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/**
 * Where an option's value comes from when it is not given: the outputs of the stack named by {@code --stack}
 * (read once with CloudFormation's DescribeStacks), else the environment variable. An explicit option always wins.
 */
public final class StackDefaults {

    private final Settings settings;
    private final Optional<String> stackName;
    private final Supplier<CloudFormationClient> cloudFormation;
    private Map<String, String> outputs;

    StackDefaults(Settings settings, Optional<String> stackName, Supplier<CloudFormationClient> cloudFormation) {
        this.settings = settings;
        this.stackName = stackName;
        this.cloudFormation = cloudFormation;
    }

    /** Defaults from the environment only (no {@code --stack}). */
    public StackDefaults(Settings settings) {
        this(settings, Optional.empty(), () -> {
            throw new IllegalStateException("no stack to read");
        });
    }

    /** The stack's output, when a stack is named and has it. */
    public Optional<String> output(String output) {
        return stackName.isPresent() ? Optional.ofNullable(outputs().get(output)) : Optional.empty();
    }

    /** The option, else the stack's output, else the environment variable. */
    public Optional<String> value(String option, String output, String variable) {
        if (option != null) {
            return Optional.of(option);
        }
        return output(output).or(() -> settings.optional(variable));
    }

    /** Which source a missing value could have come from, for error messages. */
    public String sources(String option, String variable) {
        return stackName
                .map(name -> option + " (or stack " + name + "'s outputs, or " + variable + ")")
                .orElse(option + " (or " + variable + ")");
    }

    private Map<String, String> outputs() {
        if (outputs == null) {
            outputs = describe(cloudFormation.get(), stackName.orElseThrow());
        }
        return outputs;
    }

    /**
     * The outputs of a deployed stack.
     *
     * @throws StackNotFoundException when there is no such stack (CloudFormation answers ValidationError)
     */
    static Map<String, String> describe(CloudFormationClient cloudFormation, String name) {
        Stack stack;
        try {
            stack = cloudFormation.describeStacks(b -> b.stackName(name)).stacks().stream()
                    .findFirst()
                    .orElseThrow(() -> new StackNotFoundException(name, "DescribeStacks returned no stack"));
        } catch (CloudFormationException e) {
            if (e.statusCode() == 400 && String.valueOf(e.getMessage()).contains("does not exist")) {
                throw new StackNotFoundException(name, e.awsErrorDetails().errorMessage());
            }
            throw e;
        }
        return stack.outputs().stream().collect(Collectors.toMap(Output::outputKey, Output::outputValue, (a, b) -> a));
    }

    /** The named stack does not exist in this account and region: a usage error, not a failed run. */
    public static final class StackNotFoundException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StackNotFoundException(String name, String detail) {
            super("stack " + name + " not found (" + detail + "); check the name, AWS_REGION and the account");
        }
    }
}
