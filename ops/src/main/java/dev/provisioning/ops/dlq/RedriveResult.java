package dev.provisioning.ops.dlq;

/**
 * What a redrive did.
 *
 * @param moved sent to the queue and deleted from the DLQ (in a dry run: would be)
 * @param skipped seen but not chosen (another reason)
 * @param failed chosen but still on the DLQ: the send failed, or the delete after a send did
 * @param arrived dead-lettered after the run started (perhaps a redriven message failing again): left alone
 */
record RedriveResult(int moved, int skipped, int failed, int arrived, Coverage coverage) {

    boolean ok() {
        return failed == 0 && !coverage.failed();
    }
}
