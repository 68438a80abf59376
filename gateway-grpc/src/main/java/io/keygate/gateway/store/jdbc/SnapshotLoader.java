package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.config.ConfigSnapshot;
import io.keygate.gateway.store.StoreException;

import io.keygate.gateway.store.jdbc.ConfigRows.Scope;
import java.sql.Connection;
import java.sql.SQLException;

/** Loads a whole {@link ConfigSnapshot}: every row, as one {@link ConsistentRead consistent cut}. */
final class SnapshotLoader {
  private final ConsistentRead consistent;

  SnapshotLoader(ConsistentRead consistent) {
    this.consistent = consistent;
  }

  ConfigSnapshot load() throws StoreException {
    return consistent.read("loadSnapshot", SnapshotLoader::readAll);
  }

  private static ConfigSnapshot readAll(Connection c, long version) throws SQLException {
    return new ConfigSnapshot(
        version,
        ConfigRows.tenants(c, Scope.ALL),
        ConfigRows.apps(c, Scope.ALL),
        ConfigRows.apis(c, Scope.ALL),
        ConfigRows.credentials(c, Scope.ALL),
        ConfigRows.grants(c, Scope.ALL),
        ConfigRows.authorizationsGranted(c, Scope.ALL));
  }
}
