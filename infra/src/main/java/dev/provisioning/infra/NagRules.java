package dev.provisioning.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.constructs.IConstruct;

/**
 * Where a cdk-nag rule (AwsSolutions, Serverless; applied by the infra tests) does not apply, it is suppressed on
 * the one resource it concerns, with the reason in one line. A wildcard finding is suppressed for the named
 * wildcard only, so a new wildcard on the same resource is still reported.
 */
final class NagRules {

    private NagRules() {}

    /** {@code ruleId} does not apply to {@code resource} (an L2 construct or its CfnResource), for {@code reason}. */
    static void notApplicable(IConstruct resource, String ruleId, String reason) {
        NagSuppressions.addResourceSuppressions(
                resource,
                List.of(NagPackSuppression.builder().id(ruleId).reason(reason).build()),
                false);
    }

    /** {@code ruleId} does not apply to {@code resource} for the finding {@code appliesTo} only (e.g. Resource::*). */
    static void notApplicable(IConstruct resource, String ruleId, String appliesTo, String reason) {
        NagSuppressions.addResourceSuppressions(
                resource,
                List.of(NagPackSuppression.builder()
                        .id(ruleId)
                        .appliesTo(List.of(appliesTo))
                        .reason(reason)
                        .build()),
                false);
    }

    /** Active X-Ray tracing, not used by either function: the reason is the same for both. */
    static void noTracing(IConstruct function) {
        notApplicable(
                function,
                "Serverless-LambdaTracing",
                "A sign-up is followed through both functions by its cognitoSub in the logs (./pipeline trace);"
                        + " X-Ray would add an xray:Put* grant on * and a cost for no segment our code records");
    }
}
