package io.keygate.gateway.dataplane.archviolation;

import io.keygate.backend.AttestationHeaders;

/**
 * Deliberately breaks the map (only ever imported by ModuleMapTest): the gateway building its
 * attestation with the verifier's code, so the two could never disagree, nor be seen to.
 */
public final class DataPlaneUsingTheVerifier {
  private DataPlaneUsingTheVerifier() {}

  public static byte[] text() {
    return AttestationHeaders.stringToSign("/a/b", "t", "a", "api", "id", 1, "d");
  }
}
