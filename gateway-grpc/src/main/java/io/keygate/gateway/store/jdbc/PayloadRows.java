package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.model.EncryptionPolicy;
import io.keygate.gateway.payload.ApiPayloadKeys;
import io.keygate.gateway.payload.PayloadKeyRing;
import io.keygate.hsm.KekId;
import io.keygate.hsm.WrappedSecret;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every API's payload policy and key rings (schema V13), read inside a snapshot's or a change
 * feed's consistent read. An API with neither a policy row nor keys is absent (policy none).
 */
final class PayloadRows {
  private PayloadRows() {}

  static Map<String, ApiPayloadKeys> all(Connection c) throws SQLException {
    Map<String, EncryptionPolicy> policies = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement(
            "SELECT api_id, encryption FROM api_payload_policies");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        policies.put(rs.getString(1), EncryptionPolicy.parse(rs.getString(2)));
      }
    }
    // api id -> hop -> (key id -> blob), and the current key id of each ring
    Map<String, Map<String, Map<String, WrappedSecret>>> keys = new HashMap<>();
    Map<String, String> current = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement(
            "SELECT api_id, hop, key_id, kek_id, wrapped_key, state FROM api_payload_keys");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        String api = rs.getString(1);
        String hop = rs.getString(2);
        keys.computeIfAbsent(api, a -> new HashMap<>())
            .computeIfAbsent(hop, h -> new HashMap<>())
            .put(rs.getString(3), WrappedSecret.decode(KekId.of(rs.getString(4)), rs.getString(5)));
        if (rs.getString(6).equals("current")) {
          current.put(api + "/" + hop, rs.getString(3));
        }
      }
    }
    Map<String, ApiPayloadKeys> all = new HashMap<>();
    for (String api : union(policies.keySet(), keys.keySet())) {
      Map<String, Map<String, WrappedSecret>> rings = keys.getOrDefault(api, Map.of());
      all.put(api, new ApiPayloadKeys(policies.getOrDefault(api, EncryptionPolicy.NONE),
          ring(rings, current, api, "client"), ring(rings, current, api, "backend")));
    }
    return all;
  }

  private static Optional<PayloadKeyRing> ring(Map<String, Map<String, WrappedSecret>> rings,
      Map<String, String> current, String api, String hop) {
    String id = current.get(api + "/" + hop);
    return id == null ? Optional.empty() : Optional.of(new PayloadKeyRing(id, rings.get(hop)));
  }

  private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
    java.util.Set<String> u = new java.util.HashSet<>(a);
    u.addAll(b);
    return u;
  }
}
