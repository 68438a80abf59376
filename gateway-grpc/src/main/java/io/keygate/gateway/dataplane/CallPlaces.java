package io.keygate.gateway.dataplane;

import java.util.Objects;

/**
 * The places an admitted call holds against the node's limits: one among its API's open calls
 * and, for an authenticated call, one among its AccessKey's. Given back together when the call
 * ends; each place counts its release once, so every way a call can end may call {@link
 * #release}.
 */
record CallPlaces(CallsPerApi.Slot api, CallsPerKey.Slot key) {
  CallPlaces {
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(key, "key");
  }

  /** A call of an API without authentication: no AccessKey counts it. */
  static CallPlaces ofApi(CallsPerApi.Slot api) {
    return new CallPlaces(api, CallsPerKey.Slot.NONE);
  }

  void release() {
    api.release();
    key.release();
  }
}
