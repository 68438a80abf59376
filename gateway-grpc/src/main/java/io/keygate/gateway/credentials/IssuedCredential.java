package io.keygate.gateway.credentials;

import io.keygate.hsm.SecretBytes;

/**
 * A new AccessKey and its AccessSecret, as handed to the app developer exactly once. The gateway
 * keeps no copy of the secret; call {@link SecretBytes#destroy()} once it has been delivered.
 */
public record IssuedCredential(String accessKey, SecretBytes secret) {
  @Override
  public String toString() {
    return "IssuedCredential[" + accessKey + ", secret=<sensitive>]";
  }
}
