package io.keygate.launcher;

/**
 * The config file {@code keygate init} writes: the settings that differ from the node's defaults
 * for a node on the new token (docs/operations.md, "A node from a config file").
 */
record NodeConfigText(NodeDirectory node, String tokenLabel, String listen, String adminListen,
    String kek, String payloadKek, String tlsKey, String officerFingerprint) {

  String text() {
    return String.join("\n",
        "# A Keygate node, written by keygate init. One setting a line: the KEYGATE_* variables in",
        "# lower case without the prefix (docs/operations.md, \"A node from a config file\"); a",
        "# KEYGATE_* variable set in the environment overrides its line. Start the node with",
        "# SOFTHSM2_CONF=" + node.softhsmConf() + " in its environment.",
        "",
        "# The token (SoftHSM2) and its user PIN: a 0600 file, never the PIN itself",
        "hsm_config = " + node.hsmConfig(tokenLabel),
        "hsm_pin_file = " + node.userPin(),
        "# The data plane: TLS with this key in the token (its certificate: server.pem)",
        "listen = " + listen,
        "tls_key = " + tlsKey,
        "# New AccessSecrets are made in the HSM and stored only wrapped under this KEK",
        "kek = " + kek,
        "# Payload keys of encrypted APIs are made in the HSM and stored only wrapped under this",
        "# payload KEK (docs/payload-encryption.md)",
        "payload_kek = " + payloadKek,
        "# The embedded H2 config store, audit log and audit heads",
        "data_dir = " + node.data(),
        "# The admin API (mutual TLS, serving the same TLS key): client certificates issued by the",
        "# admin CA; the first officer's certificate is security officer until a principal exists",
        "admin_listen = " + adminListen,
        "admin_ca_file = " + node.adminCa(),
        "first_officer_sha256 = " + officerFingerprint,
        "");
  }
}
