package io.keygate.admin.online;

import picocli.CommandLine.Command;

/** The group {@code tls}: without a verb, picocli reports the missing subcommand (exit 2). */
@Command(
    name = "tls",
    description = {
      "TLS keys of a running gateway, generated in its HSM (admin API).",
      "Rotation: prepare, optionally install-cert, then 'approval request activate-tls-key'."
    },
    subcommands = {TlsPrepareCommand.class, TlsInstallCertCommand.class, TlsListCommand.class})
public final class TlsCommand {}
