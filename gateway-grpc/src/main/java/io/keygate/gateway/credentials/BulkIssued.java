package io.keygate.gateway.credentials;

import io.keygate.hsm.KekId;
import java.util.List;

/**
 * New credentials of a bulk issuance, in the one form they are handed over: each secret wrapped
 * under a one-time transport key made in the HSM, and that key encrypted to the requester's
 * one-time RSA key. Nothing here is a secret in the clear.
 *
 * @param kek the KEK the stored copies are wrapped under
 * @param transportKeyForRecipient the transport key, RSA-OAEP-encrypted to the requester
 * @param credentials one per app, in the order the apps were named
 */
public record BulkIssued(KekId kek, byte[] transportKeyForRecipient, List<Entry> credentials) {
  public BulkIssued {
    transportKeyForRecipient = transportKeyForRecipient.clone();
    credentials = List.copyOf(credentials);
  }

  @Override
  public byte[] transportKeyForRecipient() {
    return transportKeyForRecipient.clone();
  }

  /** One new credential; {@code secretWrapped} is its secret under the transport key. */
  public record Entry(String appId, String accessKey, byte[] secretWrapped) {
    public Entry {
      secretWrapped = secretWrapped.clone();
    }

    @Override
    public byte[] secretWrapped() {
      return secretWrapped.clone();
    }

    @Override
    public String toString() {
      return "BulkIssued.Entry[" + appId + ", " + accessKey + ", secret=<wrapped>]";
    }
  }

  @Override
  public String toString() {
    return "BulkIssued[" + credentials.size() + " credentials, kek=" + kek + "]";
  }
}
