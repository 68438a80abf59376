package io.keygate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The schema refuses mixed-tenant and half-written rows on its own, with raw SQL that bypasses the
 * store's checks: the database is the last line, should a bug or a hand-made fix skip the store.
 */
abstract class SchemaContract extends StoreFixture {

  /**
   * Tenants acme/globex, one app and one API each, and acme's authorization of its API for
   * globex's app, inserted with raw SQL.
   */
  private void seed(Statement s) throws SQLException {
    s.executeUpdate("INSERT INTO tenants VALUES ('" + p + "acme', 'A', 0), ('" + p + "globex', 'G', 0)");
    s.executeUpdate("INSERT INTO apps VALUES ('" + p + "aapp', '" + p + "acme', 'a', 0)");
    s.executeUpdate("INSERT INTO apps VALUES ('" + p + "gapp', '" + p + "globex', 'g', 0)");
    s.executeUpdate(
        "INSERT INTO apis VALUES ('" + p + "aapi', '" + p + "acme', '" + methodName("A")
            + "', 'b:1', 'SIGNATURE', 0)");
    s.executeUpdate(
        "INSERT INTO apis VALUES ('" + p + "gapi', '" + p + "globex', '" + methodName("G")
            + "', 'b:1', 'SIGNATURE', 0)");
    s.executeUpdate(
        "INSERT INTO cross_tenant_authorizations VALUES ('" + p + "auth', '" + p + "acme', '"
            + p + "gapp', '" + p + "globex', 0, FALSE, 0)");
    s.executeUpdate(
        "INSERT INTO cross_tenant_authorization_apis VALUES ('" + p + "auth', '" + p + "acme', '"
            + p + "aapi')");
  }

  private void assertRefused(String sql) throws Exception {
    Map<String, Long> before = databaseState();
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate(sql))
          .as(sql)
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).startsWith("23"));
    }
    assertThat(databaseState()).isEqualTo(before);
  }

  @Test
  void schema_refusesRowsThatMixTenantsOrDanglingReferences() throws Exception {
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      seed(s);
    }
    String acme = "'" + p + "acme'";
    // A grant in acme of globex's API, and of globex's app.
    assertRefused("INSERT INTO grants VALUES (" + acme + ", '" + p + "aapp', '" + p + "gapi', 0)");
    assertRefused("INSERT INTO grants VALUES (" + acme + ", '" + p + "gapp', '" + p + "aapi', 0)");
    // A credential claiming acme for globex's app.
    assertRefused(
        "INSERT INTO credentials VALUES ('" + p + "AK', '" + p + "gapp', " + acme
            + ", 'l', NULL, FALSE, NULL, 0)");
    // acme's authorization covering globex's API.
    assertRefused(
        "INSERT INTO cross_tenant_authorization_apis VALUES ('" + p + "auth', " + acme + ", '"
            + p + "gapi')");
    // An authorization to an app of the grantor itself, and one whose grantee tenant is a lie.
    assertRefused(
        "INSERT INTO cross_tenant_authorizations VALUES ('" + p + "self', " + acme + ", '"
            + p + "aapp', " + acme + ", 0, FALSE, 0)");
    assertRefused(
        "INSERT INTO cross_tenant_authorizations VALUES ('" + p + "lie', " + acme + ", '"
            + p + "gapp', '" + p + "other', 0, FALSE, 0)");
    // Unknown tenant, missing name, unknown auth mode, duplicate method name.
    assertRefused("INSERT INTO apps VALUES ('" + p + "x', '" + p + "nobody', 'x', 0)");
    assertRefused("INSERT INTO apps VALUES ('" + p + "y', " + acme + ", NULL, 0)");
    assertRefused(
        "INSERT INTO apis VALUES ('" + p + "z', " + acme + ", '" + methodName("Z")
            + "', 'b:1', 'MAYBE', 0)");
    assertRefused(
        "INSERT INTO apis VALUES ('" + p + "w', " + acme + ", '" + methodName("G")
            + "', 'b:1', 'NONE', 0)");
    // A second version row.
    assertRefused("INSERT INTO config_version VALUES (2, 0)");
  }

  @Test
  void schema_refusesDeletingATenantStillInUse() throws Exception {
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      seed(s);
    }
    assertRefused("DELETE FROM tenants WHERE id = '" + p + "acme'");
    assertRefused("DELETE FROM apis WHERE id = '" + p + "aapi'");
  }
}
