package io.keygate.gateway.model;

import java.util.Locale;

/**
 * An API's payload encryption policy (docs/payload-encryption.md, section 1): which hops carry
 * request messages encrypted. Responses are never encrypted in version 1.
 */
public enum EncryptionPolicy {
  NONE(false, false),
  CLIENT(true, false),
  BACKEND(false, true),
  BOTH(true, true);

  private final boolean fromClient;
  private final boolean toBackend;

  EncryptionPolicy(boolean fromClient, boolean toBackend) {
    this.fromClient = fromClient;
    this.toBackend = toBackend;
  }

  /** Whether the client seals request messages and the gateway opens them in its HSM. */
  public boolean opensRequests() {
    return fromClient;
  }

  /** Whether the gateway seals request messages for the backend in its HSM. */
  public boolean sealsRequests() {
    return toBackend;
  }

  /** The lower-case name used by the admin API, the CLI and the store. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code none|client|backend|both}. */
  public static EncryptionPolicy parse(String text) {
    for (EncryptionPolicy p : values()) {
      if (p.text().equals(text)) {
        return p;
      }
    }
    throw new IllegalArgumentException("encryption is one of none, client, backend, both");
  }
}
