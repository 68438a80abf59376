package io.keygate.gateway.payload;

import io.keygate.gateway.model.EncryptionPolicy;
import java.util.Objects;
import java.util.Optional;

/**
 * One API's payload policy and key rings as every node's snapshot holds them (schema V13, in the
 * change feed with the APIs). Wrapped blobs only, never a key in the clear.
 */
public record ApiPayloadKeys(
    EncryptionPolicy policy, Optional<PayloadKeyRing> client, Optional<PayloadKeyRing> backend) {

  /** An API without a policy row and without keys. */
  public static final ApiPayloadKeys NONE =
      new ApiPayloadKeys(EncryptionPolicy.NONE, Optional.empty(), Optional.empty());

  public ApiPayloadKeys {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(backend, "backend");
  }
}
