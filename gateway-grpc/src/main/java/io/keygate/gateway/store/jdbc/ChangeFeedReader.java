package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.config.ConfigDelta;
import io.keygate.gateway.config.ConfigDelta.AppState;
import io.keygate.gateway.config.ConfigDelta.Shared;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.store.jdbc.ConfigRows.Scope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads what changed since a version from the change feed ({@code config_changes}, written by
 * {@link ChangeLog}) together with the rows those changes name as they now stand, as one
 * {@link ConsistentRead consistent cut}.
 *
 * <p>It declines (empty), so that the node loads everything instead, when the feed no longer
 * reaches back to that version (pruned, or written before the feed existed), when the store is
 * behind it (a database restored from a backup), when a write asked for a full reload, when a
 * version has no entry at all (it was written around the store, by hand say), or when
 * more than {@link #MAX_CHANGES} objects changed: past that, a full load is as cheap.
 */
final class ChangeFeedReader {
  static final int MAX_CHANGES = 50_000;

  private final ConsistentRead consistent;

  ChangeFeedReader(ConsistentRead consistent) {
    this.consistent = consistent;
  }

  Optional<ConfigDelta> since(long fromVersion) throws StoreException {
    return consistent.read("changesSince " + fromVersion, (c, version) -> read(c, fromVersion, version));
  }

  private static Optional<ConfigDelta> read(Connection c, long from, long to) throws SQLException {
    if (to < from || from < feedStart(c)) {
      return Optional.empty();
    }
    Set<String> credentialKeys = new LinkedHashSet<>();
    Set<String> appIds = new LinkedHashSet<>();
    Set<Long> versions = new HashSet<>();
    boolean shared = false;
    try (PreparedStatement s = c.prepareStatement(
        "SELECT version, kind, subject FROM config_changes WHERE version > ? AND version <= ?")) {
      s.setLong(1, from);
      s.setLong(2, to);
      s.setMaxRows(MAX_CHANGES + 1);
      try (ResultSet rs = s.executeQuery()) {
        int rows = 0;
        while (rs.next()) {
          if (++rows > MAX_CHANGES) {
            return Optional.empty();
          }
          versions.add(rs.getLong(1));
          String subject = rs.getString(3);
          switch (rs.getString(2)) {
            case "CREDENTIAL" -> credentialKeys.add(subject);
            case "APP" -> appIds.add(subject);
            case "SHARED" -> shared = true;
            case "NONE" -> { }
            default -> {
              return Optional.empty(); // FULL, or a kind from a newer release
            }
          }
        }
      }
    }
    if (versions.size() != to - from) {
      return Optional.empty(); // a version written around the store says nothing of what it did
    }
    Map<String, Optional<Credential>> credentials = new HashMap<>();
    credentialKeys.forEach(key -> credentials.put(key, Optional.empty()));
    for (Credential credential : ConfigRows.credentialsWithKeys(c, credentialKeys, Scope.all())) {
      credentials.put(credential.accessKey(), Optional.of(credential));
    }
    return Optional.of(new ConfigDelta(from, to, credentials, apps(c, appIds),
        shared ? Optional.of(shared(c)) : Optional.empty()));
  }

  private static Map<String, AppState> apps(Connection c, Set<String> ids) throws SQLException {
    Scope scope = Scope.all();
    Map<String, App> rows = new HashMap<>();
    for (App app : ConfigRows.appsWithIds(c, ids, scope)) {
      rows.put(app.id(), app);
    }
    Map<String, Set<Grant>> grants = new HashMap<>();
    for (Grant grant : ConfigRows.grantsOfApps(c, ids, scope)) {
      grants.computeIfAbsent(grant.appId(), k -> new HashSet<>()).add(grant);
    }
    Map<String, AppState> out = new HashMap<>();
    for (String id : ids) {
      out.put(id, new AppState(Optional.ofNullable(rows.get(id)), grants.getOrDefault(id, Set.of())));
    }
    return out;
  }

  private static Shared shared(Connection c) throws SQLException {
    return new Shared(
        ConfigRows.tenants(c, Scope.all()),
        ConfigRows.apis(c, Scope.all()),
        ConfigRows.authorizationsGranted(c, Scope.all()),
        BackendTlsRows.all(c),
        PayloadRows.all(c),
        SignatureRequirementRows.all(c));
  }

  private static long feedStart(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT feed_start FROM config_version WHERE id = 1");
        ResultSet rs = s.executeQuery()) {
      return rs.next() ? rs.getLong(1) : Long.MAX_VALUE;
    }
  }
}
