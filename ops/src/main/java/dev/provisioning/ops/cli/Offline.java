package dev.provisioning.ops.cli;

/** A command that calls no AWS service, so it runs without a region or credentials. */
public interface Offline {}
