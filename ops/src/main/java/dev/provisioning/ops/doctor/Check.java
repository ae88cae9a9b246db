package dev.provisioning.ops.doctor;

/** One line of the report; {@code fix} is empty when there is nothing to do. */
public record Check(String name, Status status, String detail, String fix) {

    static Check ok(String name, String detail) {
        return new Check(name, Status.OK, detail, "");
    }

    static Check warn(String name, String detail, String fix) {
        return new Check(name, Status.WARN, detail, fix);
    }

    static Check fail(String name, String detail, String fix) {
        return new Check(name, Status.FAIL, detail, fix);
    }

    static Check skip(String name, String detail) {
        return new Check(name, Status.SKIP, detail, "");
    }

    /** A check that could not run because the AWS call failed: SKIP, with the error. */
    static Check couldNotCheck(String name, Exception e) {
        return Check.skip(name, "could not check: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
}
