package io.keygate.admin.command;

import picocli.CommandLine.Command;

/**
 * The group {@code bootstrap}: offline, on the HSM directly, before the gateway runs (the admin API
 * cannot exist before its own TLS key and CA do).
 */
@Command(
    name = "bootstrap",
    description = "Set up the token, the gateway's TLS key and the admin PKI (offline).",
    subcommands = {
      BootstrapTokenCommand.class,
      BootstrapTlsKeyCommand.class,
      BootstrapBackendClientKeyCommand.class,
      BootstrapBackendHmacKeyCommand.class,
      BootstrapCsrCommand.class,
      BootstrapImportCertCommand.class,
      BootstrapAdminCaCommand.class,
      BootstrapOfficerCertCommand.class
    })
public final class BootstrapCommand {}
