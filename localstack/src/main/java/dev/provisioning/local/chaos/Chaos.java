package dev.provisioning.local.chaos;

/**
 * Faults injected into the functions' calls (never into the harness's own reads).
 *
 * @param faultRate fraction of the functions' AWS calls that fail (throttling, 500, timeout, reset)
 * @param lostAnswerRate fraction of the functions' AWS calls that the service performs but whose answer is lost
 * @param crashRate fraction of the provisioner's AWS calls after which its process is killed
 * @param duplicateRate fraction of Cognito's trigger invocations delivered twice
 */
public record Chaos(double faultRate, double lostAnswerRate, double crashRate, double duplicateRate) {

    public static final Chaos NONE = new Chaos(0, 0, 0, 0);

    public Chaos {
        for (double rate : new double[] {faultRate, lostAnswerRate, crashRate, duplicateRate}) {
            if (rate < 0 || rate > 1) {
                throw new IllegalArgumentException("Fault rates are fractions in [0, 1], got " + rate);
            }
        }
    }
}
