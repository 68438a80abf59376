package io.keygate.gateway.tls;

import java.util.Optional;

/** The TLS listeners of a gateway node, each with its own HSM key. */
public enum TlsListener {
  /** The data plane, where clients call APIs. */
  INGRESS("ingress"),
  /** The admin API. */
  ADMIN("admin");

  private final String wireName;

  TlsListener(String wireName) {
    this.wireName = wireName;
  }

  /** The stored and user-facing name. */
  public String wireName() {
    return wireName;
  }

  public static Optional<TlsListener> fromWireName(String name) {
    for (TlsListener l : values()) {
      if (l.wireName.equals(name)) {
        return Optional.of(l);
      }
    }
    return Optional.empty();
  }
}
