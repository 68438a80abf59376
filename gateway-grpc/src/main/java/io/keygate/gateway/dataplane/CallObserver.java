package io.keygate.gateway.dataplane;

import io.keygate.gateway.model.Credential;
import io.keygate.gateway.errors.GatewayError;

/**
 * Told about every authentication outcome on the data plane: the last-used time of credentials
 * and the aggregated security events in the audit log come from here. Must not block.
 */
public interface CallObserver {
  CallObserver NONE =
      new CallObserver() {
        @Override
        public void authenticated(Credential caller) {}

        @Override
        public void refused(String accessKey, String appId, GatewayError error) {}
      };

  void authenticated(Credential caller);

  /**
   * @param accessKey the AccessKey the call claimed ("-" if none)
   * @param appId the app, when the key was known ("-" otherwise)
   */
  void refused(String accessKey, String appId, GatewayError error);

  /** Tells {@code first}, then {@code second}. */
  static CallObserver both(CallObserver first, CallObserver second) {
    if (second == NONE) {
      return first;
    }
    return new CallObserver() {
      @Override
      public void authenticated(Credential caller) {
        first.authenticated(caller);
        second.authenticated(caller);
      }

      @Override
      public void refused(String accessKey, String appId, GatewayError error) {
        first.refused(accessKey, appId, error);
        second.refused(accessKey, appId, error);
      }
    };
  }
}
