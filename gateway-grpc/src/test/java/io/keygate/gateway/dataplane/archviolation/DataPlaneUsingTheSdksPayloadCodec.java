package io.keygate.gateway.dataplane.archviolation;

import io.keygate.client.payload.PayloadEnvelope;

/**
 * Deliberately breaks the map (only ever imported by ModuleMapTest): the gateway reading payload
 * envelopes with the client SDK's codec, so a mistake in it would be shared and never seen.
 */
public final class DataPlaneUsingTheSdksPayloadCodec {
  private DataPlaneUsingTheSdksPayloadCodec() {}

  public static boolean keyId(String id) {
    return PayloadEnvelope.isKeyId(id);
  }
}
