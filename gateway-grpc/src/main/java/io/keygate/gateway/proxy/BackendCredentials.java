package io.keygate.gateway.proxy;

import io.keygate.gateway.model.BackendTarget;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;

/**
 * How the gateway secures its connection to one backend: the seam for TLS (and mutual TLS with
 * the gateway's client key in the HSM) to backends. Plaintext for now; a TLS implementation
 * returns {@code TlsChannelCredentials} built with the HSM key manager and the backend's CA.
 */
@FunctionalInterface
public interface BackendCredentials {

  ChannelCredentials forBackend(BackendTarget target);

  /** No transport security: only for backends on a trusted network or loopback. */
  static BackendCredentials plaintext() {
    return target -> InsecureChannelCredentials.create();
  }
}
