package io.keygate.gateway.dataplane;

import io.keygate.gateway.auth.Screening;
import io.keygate.gateway.auth.SignedRequest;
import io.keygate.gateway.config.ConfigSnapshot;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.BackendTarget;

/** Where a call stands after a step of {@link CallAdmission}. */
sealed interface Admission {

  /**
   * Let in: hand it to the proxy. {@code places} are what it holds among its API's and its
   * AccessKey's open calls, to be released when the call ends.
   */
  record Admitted(AdmittedCall call, CallPlaces places) implements Admission {}

  /**
   * Routed to a signature-mode API: its headers are screened next ({@link CallAdmission#screen}).
   * The snapshot is the one routing used, so one call is decided on one configuration.
   */
  record Routed(ApiDefinition api, BackendTarget backend, ConfigSnapshot snapshot, String requestId)
      implements Admission {}

  /**
   * Refused: answer with {@code error}; {@code detail} goes to the log only. {@code api} is the
   * API the call was routed to when routing got that far (null otherwise), for the per-API
   * metrics and the access log.
   */
  record Refused(GatewayError error, String detail, ApiDefinition api) implements Admission {
    Refused(GatewayError error, String detail) {
      this(error, detail, null);
    }
  }

  /**
   * Routed to a signature-mode API and screened on its headers: the first message (whose digest
   * is signed) must arrive before {@link CallAdmission#authenticate} can decide. The snapshot is
   * still the one routing used.
   */
  record AwaitingSignature(
      ApiDefinition api,
      BackendTarget backend,
      ConfigSnapshot snapshot,
      String requestId,
      SignedRequest headers,
      Screening.Passed screened)
      implements Admission {}
}
