package dev.provisioning.local.e2e;

/**
 * The scenarios on the default local AWS: cognito-local's real sign-up and confirmation fire the
 * trigger jar in the local Lambda host, the harness's mapping feeds the provisioner jar, and the
 * account and the email are read back from DynamoDB Local and moto. Needs no Docker.
 */
class DefaultHarnessScenariosIT extends PipelineScenarios {

    @Override
    protected PipelineEnvironment startEnvironment() {
        return DefaultHarnessEnvironment.start();
    }
}
