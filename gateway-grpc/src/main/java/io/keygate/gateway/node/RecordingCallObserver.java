package io.keygate.gateway.node;

import io.keygate.gateway.dataplane.CallObserver;

import io.keygate.gateway.audit.SecurityEventAggregator;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.credentials.LastUsedTracker;
import io.keygate.gateway.errors.GatewayError;
import java.time.Clock;

/** A node's observer: last-use times for credentials, refusals into the aggregated audit events. */
public final class RecordingCallObserver implements CallObserver {
  private final LastUsedTracker lastUsed;
  private final SecurityEventAggregator securityEvents;
  private final Clock clock;

  public RecordingCallObserver(
      LastUsedTracker lastUsed, SecurityEventAggregator securityEvents, Clock clock) {
    this.lastUsed = lastUsed;
    this.securityEvents = securityEvents;
    this.clock = clock;
  }

  @Override
  public void authenticated(Credential caller) {
    lastUsed.used(caller.accessKey(), clock.instant());
  }

  @Override
  public void refused(String accessKey, String appId, GatewayError error) {
    securityEvents.authFailure(accessKey, appId, error.code(), clock.instant());
  }
}
