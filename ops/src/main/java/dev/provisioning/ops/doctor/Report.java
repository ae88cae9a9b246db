package dev.provisioning.ops.doctor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every check's result, in order. */
record Report(List<Check> checks) {

    private static final ObjectMapper JSON = new ObjectMapper();

    long count(Status status) {
        return checks.stream().filter(c -> c.status() == status).count();
    }

    Result result() {
        if (count(Status.FAIL) > 0) {
            return Result.FAIL;
        }
        return count(Status.SKIP) > 0 ? Result.INCOMPLETE : Result.OK;
    }

    int exitCode() {
        return result().exitCode;
    }

    void print(PrintStream out) {
        for (Check check : checks) {
            out.printf("%-4s %s  %s%n", check.status(), check.name(), check.detail());
            if (!check.fix().isEmpty()) {
                out.println("       fix: " + check.fix());
            }
        }
        out.printf(
                "doctor ok=%d warn=%d fail=%d skip=%d result=%s%n",
                count(Status.OK), count(Status.WARN), count(Status.FAIL), count(Status.SKIP), result());
    }

    String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("checks", checks);
        json.put("ok", count(Status.OK));
        json.put("warn", count(Status.WARN));
        json.put("fail", count(Status.FAIL));
        json.put("skip", count(Status.SKIP));
        json.put("result", result());
        json.put("exitCode", exitCode());
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write the doctor report as JSON", e);
        }
    }

    /** The verdict of a whole run and its exit code; usage errors (2) and crashes (4) are the command's. */
    enum Result {
        /** Every check ran and none failed; WARN lines are advice. */
        OK(0),
        /** At least one check failed. */
        FAIL(1),
        /** No check failed, but at least one could not run: the wiring is not proven. */
        INCOMPLETE(3);

        final int exitCode;

        Result(int exitCode) {
            this.exitCode = exitCode;
        }
    }
}
