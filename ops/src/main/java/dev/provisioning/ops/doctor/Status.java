package dev.provisioning.ops.doctor;

/** A check's verdict; SKIP means it could not run (an option missing, access denied), so nothing is known. */
enum Status {
    OK,
    WARN,
    FAIL,
    SKIP
}
