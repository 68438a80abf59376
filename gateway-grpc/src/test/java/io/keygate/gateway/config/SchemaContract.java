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
    s.executeUpdate("INSERT INTO tenant_domains VALUES ('" + p + "a.example', '" + p + "acme', 0),"
        + " ('" + p + "g.example', '" + p + "globex', 0)");
    s.executeUpdate("INSERT INTO tenant_backends VALUES ('" + p + "acme', 'b:1', FALSE, 0),"
        + " ('" + p + "globex', 'b:1', FALSE, 0)");
    s.executeUpdate(apiRow("aapi", "acme", "a.example", "A", "b:1", "SIGNATURE"));
    s.executeUpdate(apiRow("gapi", "globex", "g.example", "G", "b:1", "SIGNATURE"));
    s.executeUpdate(
        "INSERT INTO cross_tenant_authorizations VALUES ('" + p + "auth', '" + p + "acme', '"
            + p + "gapp', '" + p + "globex', 0, FALSE, 0)");
    s.executeUpdate(
        "INSERT INTO cross_tenant_authorization_apis VALUES ('" + p + "auth', '" + p + "acme', '"
            + p + "aapi')");
  }

  private String apiRow(
      String id, String tenant, String domain, String method, String target, String mode) {
    return "INSERT INTO apis (id, tenant_id, domain_name, method_name, backend_target, auth_mode,"
        + " created_at) VALUES ('" + p + id + "', '" + p + tenant + "', '" + p + domain + "', '"
        + methodName(method) + "', '" + target + "', '" + mode + "', 0)";
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
        "INSERT INTO credentials (access_key, app_id, tenant_id, secret_label, not_after,"
            + " revoked, last_used, created_at) VALUES ('" + p + "AK', '" + p + "gapp', " + acme
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
    // Unknown tenant, missing name, unknown auth mode, duplicate method name on a domain.
    assertRefused("INSERT INTO apps VALUES ('" + p + "x', '" + p + "nobody', 'x', 0)");
    assertRefused("INSERT INTO apps VALUES ('" + p + "y', " + acme + ", NULL, 0)");
    assertRefused(apiRow("z", "acme", "a.example", "Z", "b:1", "MAYBE"));
    assertRefused(apiRow("w", "acme", "a.example", "A", "b:1", "SIGNATURE"));
    // Routing that is not the tenant's: another tenant's domain, a backend not allowed to it.
    assertRefused(apiRow("capture", "acme", "g.example", "Q", "b:1", "SIGNATURE"));
    assertRefused(apiRow("ssrf", "acme", "a.example", "Q", "169.254.169.254:80", "SIGNATURE"));
    // A domain given to two tenants.
    assertRefused("INSERT INTO tenant_domains VALUES ('" + p + "g.example', " + acme + ", 0)");
    // A second version row.
    assertRefused("INSERT INTO config_version (id, version) VALUES (2, 0)");
  }

  @Test
  void schema_refusesDeletingATenantStillInUse() throws Exception {
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      seed(s);
    }
    assertRefused("DELETE FROM tenants WHERE id = '" + p + "acme'");
    assertRefused("DELETE FROM apis WHERE id = '" + p + "aapi'");
    // Allowances that APIs use.
    assertRefused("DELETE FROM tenant_domains WHERE domain_name = '" + p + "a.example'");
    assertRefused("DELETE FROM tenant_backends WHERE tenant_id = '" + p + "acme'");
  }
}
