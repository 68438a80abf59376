package io.keygate.gateway.dataplane;

/**
 * Told about every call of the data plane once it is over, however it ended (served, refused,
 * cancelled, failed at the backend): the per-API metrics and the access log. Called on the
 * transport's threads: must be cheap and must never block.
 */
@FunctionalInterface
public interface CallOutcomes {
  CallOutcomes NONE = call -> {};

  void ended(EndedCall call);

  /** Both, in order. */
  static CallOutcomes both(CallOutcomes first, CallOutcomes second) {
    if (first == NONE) {
      return second;
    }
    if (second == NONE) {
      return first;
    }
    return call -> {
      first.ended(call);
      second.ended(call);
    };
  }
}
