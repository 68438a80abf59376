package io.keygate.launcher;

/** What {@code keygate init} made, and the next three commands. No PIN, no key: only paths. */
record InitReport(NodeDirectory node, String tokenLabel, String listen, String adminListen,
    String officer, java.util.List<String> tlsNames) {

  String text() {
    String d = node.dir().toString();
    String adminPort = adminListen.substring(adminListen.lastIndexOf(':') + 1);
    return String.join("\n",
        "Initialised a Keygate node in " + d + ":",
        "  token '" + tokenLabel + "' (SoftHSM2, " + node.softhsmConf().getFileName()
            + "), PINs in so.pin and user.pin (0600, random, never shown)",
        "  in the token, never extractable: KEK " + InitCommand.KEK + ", payload KEK "
            + InitCommand.PAYLOAD_KEK + ", TLS key "
            + InitCommand.TLS_KEY + " (server.pem: " + String.join(", ", tlsNames) + "), admin CA "
            + InitCommand.ADMIN_CA + " (admin-ca.pem)",
        "  first security officer '" + officer + "': " + officer + ".pem, " + officer
            + ".key (0600: the officer's credential, move it to their machine)",
        "  config: " + node.config() + " (calls on " + listen + ", admin API on " + adminListen + ")",
        "",
        "Next:",
        "  1. Start the node (bin/ of this distribution):",
        "       SOFTHSM2_CONF=" + node.softhsmConf() + " bin/keygate serve --config " + node.config(),
        "  2. In another shell, point keystore-admin at its admin API as " + officer + ":",
        "       export KEYGATE_ADMIN_SERVER=localhost:" + adminPort + " KEYGATE_ADMIN_CA=" + d
            + "/server.pem KEYGATE_ADMIN_CERT=" + d + "/" + officer + ".pem KEYGATE_ADMIN_KEY=" + d
            + "/" + officer + ".key",
        "       bin/keystore-admin whoami",
        "  3. Provision a tenant, its API and an app (docs/operations.md, \"First start, step by"
            + " step\"):",
        "       bin/keystore-admin tenant create --id acme --name Acme",
        "");
  }
}
