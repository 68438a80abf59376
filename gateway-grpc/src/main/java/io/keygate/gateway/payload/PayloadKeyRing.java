package io.keygate.gateway.payload;

import io.keygate.hsm.WrappedSecret;
import java.util.Map;
import java.util.Optional;

/**
 * The payload keys of one API and hop, by key id, as blobs wrapped under a payload KEK; {@code
 * current} is the one new messages are sealed under, the others still open (rotation). Holds no
 * key in the clear.
 */
public record PayloadKeyRing(String current, Map<String, WrappedSecret> keys) {
  public PayloadKeyRing {
    keys = Map.copyOf(keys);
    if (!keys.containsKey(current)) {
      throw new IllegalArgumentException("the current payload key must be in the ring");
    }
    for (String id : keys.keySet()) {
      if (!PayloadEnvelope.isKeyId(id)) {
        throw new IllegalArgumentException("not a payload key id");
      }
    }
  }

  public Optional<WrappedSecret> find(String keyId) {
    return Optional.ofNullable(keys.get(keyId));
  }

  public WrappedSecret currentKey() {
    return keys.get(current);
  }

  @Override
  public String toString() {
    return "PayloadKeyRing[current=" + current + ", ids=" + keys.keySet() + "]";
  }
}
