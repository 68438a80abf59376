package io.keygate.gateway.model;

/** How calls to an API are authenticated. */
public enum AuthMode {
  /** X-Ca signature verified in the HSM (the default). */
  SIGNATURE,
  /** No authentication: anyone who can reach the gateway may call the API. */
  NONE
}
