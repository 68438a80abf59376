package io.keygate.benchmarks.load;

/**
 * How hard a run pushes: {@code connections} HTTP/2 connections, each with {@code inFlight} calls
 * outstanding at all times (closed loop: a call is sent the moment one completes). 1x1 measures
 * latency, 4x16 throughput.
 */
record Shape(int connections, int inFlight) {

  Shape {
    if (connections < 1 || inFlight < 1) {
      throw new IllegalArgumentException("a shape needs at least one connection and one call in flight");
    }
  }

  /** {@code CxM}, e.g. {@code 4x16}. */
  static Shape parse(String text) {
    String[] parts = text.split("x");
    if (parts.length != 2) {
      throw new IllegalArgumentException("a shape is CONNECTIONSxIN_FLIGHT, e.g. 4x16, not '" + text + "'");
    }
    return new Shape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
  }

  @Override
  public String toString() {
    return connections + "x" + inFlight;
  }
}
