package io.keygate.benchmarks.gate;

/** A results or baseline file the gate cannot use: missing, not JSON, or without a needed field. */
final class GateInputException extends Exception {
  private static final long serialVersionUID = 1L;

  GateInputException(String message) {
    super(message);
  }
}
