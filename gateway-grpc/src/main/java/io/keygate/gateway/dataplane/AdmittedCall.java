package io.keygate.gateway.dataplane;

import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.BackendTarget;
import io.keygate.gateway.model.Credential;
import java.util.Objects;
import java.util.Optional;

/**
 * A call the gateway has let in, with everything the forwarding needs, decided once: the API, its
 * backend (parsed when the snapshot was built, not per call), the authenticated caller (empty for
 * an API whose auth mode is NONE) and the request id that every reply and log line of the call
 * carries.
 */
public record AdmittedCall(
    ApiDefinition api, BackendTarget backend, Optional<Credential> caller, String requestId) {
  public AdmittedCall {
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(requestId, "requestId");
  }
}
