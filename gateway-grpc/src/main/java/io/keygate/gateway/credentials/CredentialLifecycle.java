package io.keygate.gateway.credentials;

import io.keygate.gateway.store.StoreNotFoundException;
import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.credentials.IssuedCredential;
import io.keygate.hsm.HsmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.security.interfaces.RSAPublicKey;
import java.util.Objects;
import java.util.Optional;

/**
 * The rules of a credential's life, on top of {@link CredentialIssuer} and the store: an app gets
 * one credential, may hold at most two live ones during a rotation (add the new one, roll it out,
 * retire the old one), and retiring can only bring a credential's end forward, never revive or
 * extend it. No gRPC types: tested directly and through the admin API.
 *
 * <p>The checks and the writes are not one database transaction. Issuing is serialised in this
 * process; two officers racing on two nodes could briefly give an app a third live credential,
 * which is harmless (each still needs an officer) and visible in the list.
 */
public final class CredentialLifecycle {
  /** Old and new during a rotation. */
  public static final int MAX_LIVE_PER_APP = 2;

  /** The longest grace period a retirement may give. */
  public static final Duration MAX_RETIRE_AFTER = Duration.ofDays(366);

  private final CredentialIssuer issuer;
  private final ConfigStore store;
  private final Clock clock;
  // Held across the HSM import (~0.1 s): admin traffic is light, and it keeps the count honest.
  private final Object issueLock = new Object();

  public CredentialLifecycle(CredentialIssuer issuer, ConfigStore store, Clock clock) {
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The app's first credential (none of its earlier ones may still be live). */
  public IssuedCredential create(String tenantId, String appId,
      Optional<RSAPublicKey> recipient)
      throws CredentialRuleException, StoreException, HsmException {
    synchronized (issueLock) {
      long live = liveCredentials(tenantId, appId);
      if (live > 0) {
        throw new CredentialRuleException(CredentialRuleException.Reason.ALREADY_HAS_ONE, appId + " has " + live + " live");
      }
      return issuer.issue(tenantId, appId, null, recipient);
    }
  }

  /** A second live credential for an app that has one: the start of a rotation. */
  public IssuedCredential add(String tenantId, String appId, Optional<RSAPublicKey> recipient)
      throws CredentialRuleException, StoreException, HsmException {
    synchronized (issueLock) {
      long live = liveCredentials(tenantId, appId);
      if (live == 0) {
        throw new CredentialRuleException(CredentialRuleException.Reason.NONE_LIVE, appId + " has none live");
      }
      if (live >= MAX_LIVE_PER_APP) {
        throw new CredentialRuleException(CredentialRuleException.Reason.LIMIT_REACHED, appId + " has " + live + " live");
      }
      return issuer.issue(tenantId, appId, null, recipient);
    }
  }

  /**
   * Lets a live credential work for {@code after} more, then expire. Asking again for the same end
   * changes nothing; a later end is refused, so a retirement can never extend or revive a key.
   */
  public Credential retire(String tenantId, String accessKey, Duration after)
      throws CredentialRuleException, StoreException {
    if (after == null || after.isNegative() || after.compareTo(MAX_RETIRE_AFTER) > 0) {
      throw new CredentialRuleException(
          CredentialRuleException.Reason.BAD_RETIREMENT, "retire after " + after + " is outside 0..366 days");
    }
    Instant now = clock.instant();
    // The store keeps milliseconds; round here so the answer equals what is stored.
    Instant notAfter = now.plus(after).truncatedTo(ChronoUnit.MILLIS);
    Credential current = find(tenantId, accessKey);
    if (current.stateAt(now) != Credential.State.ACTIVE) {
      throw new CredentialRuleException(
          CredentialRuleException.Reason.NOT_ACTIVE, accessKey + " is " + current.stateAt(now));
    }
    if (current.notAfter() != null) {
      if (current.notAfter().isBefore(notAfter)) {
        throw new CredentialRuleException(
            CredentialRuleException.Reason.ENDS_SOONER, accessKey + " ends " + current.notAfter());
      }
      if (current.notAfter().equals(notAfter)) {
        return current;
      }
    }
    store.retireCredential(tenantId, accessKey, notAfter);
    return find(tenantId, accessKey);
  }

  /** Stops a credential at once. Revoking twice is harmless. The HSM key stays (see docs). */
  public Credential revoke(String tenantId, String accessKey) throws StoreException {
    store.revokeCredential(tenantId, accessKey);
    return find(tenantId, accessKey);
  }

  /** The tenant's credentials, or one app's when {@code appId} is non-empty. */
  public List<Credential> list(String tenantId, String appId) throws StoreException {
    List<Credential> all = store.credentials(tenantId);
    return appId == null || appId.isEmpty()
        ? all
        : all.stream().filter(c -> c.appId().equals(appId)).toList();
  }

  private long liveCredentials(String tenantId, String appId) throws StoreException {
    // Checked here rather than left to the store's foreign key, so an unknown app costs no HSM
    // import (the issuer would create the key, then destroy it again).
    if (store.apps(tenantId).stream().noneMatch(a -> a.id().equals(appId))) {
      throw new StoreNotFoundException("tenant " + tenantId + " has no app " + appId);
    }
    Instant now = clock.instant();
    return store.credentials(tenantId).stream()
        .filter(c -> c.appId().equals(appId) && c.stateAt(now) == Credential.State.ACTIVE)
        .count();
  }

  private Credential find(String tenantId, String accessKey) throws StoreException {
    return store.credentials(tenantId).stream()
        .filter(c -> c.accessKey().equals(accessKey))
        .findFirst()
        .orElseThrow(() ->
            new StoreNotFoundException("tenant " + tenantId + " has no credential " + accessKey));
  }
}
