package io.keygate.gateway.dataplane;

import io.grpc.Context;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.Credential;

/** What the gateway learned about a call, carried in its gRPC {@link Context} to the proxy. */
final class CallContext {
  static final Context.Key<ApiDefinition> API = Context.key("keygate-api");
  /** Absent for APIs whose auth mode is NONE. */
  static final Context.Key<Credential> CALLER = Context.key("keygate-caller");
  static final Context.Key<String> REQUEST_ID = io.keygate.gateway.errors.ErrorReplies.CURRENT_REQUEST_ID;

  private CallContext() {}
}
