package io.keygate.hsm.testing;

/** Exit code and merged output of a finished process. */
public record ProcessResult(int exitCode, String output) {}
