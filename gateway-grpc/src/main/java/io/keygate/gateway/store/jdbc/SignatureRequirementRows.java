package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.model.SignatureRequirement;
import io.keygate.gateway.model.SignatureRequirements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Every tenant's and API's signature requirement (schema V15), read inside a snapshot's or a
 * change feed's consistent read, or alone for the admin API.
 */
final class SignatureRequirementRows {
  private SignatureRequirementRows() {}

  static SignatureRequirements all(Connection c) throws SQLException {
    return new SignatureRequirements(
        read(c, "SELECT tenant_id, required FROM tenant_signature_requirements"),
        read(c, "SELECT api_id, required FROM api_signature_requirements"));
  }

  private static Map<String, SignatureRequirement> read(Connection c, String sql)
      throws SQLException {
    Map<String, SignatureRequirement> out = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), SignatureRequirement.parse(rs.getString(2)));
      }
    }
    return out;
  }
}
