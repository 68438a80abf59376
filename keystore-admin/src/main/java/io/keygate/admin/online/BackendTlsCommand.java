package io.keygate.admin.online;

import picocli.CommandLine.Command;

/**
 * The group {@code backend-tls}: how gateway nodes secure their connection to each backend
 * target. Security officers set and remove; officers and auditors show.
 */
@Command(
    name = "backend-tls",
    description = "How gateway nodes connect to each backend: plaintext, TLS or mutual TLS with"
        + " the gateway's client key in the HSM (security officers; admin API 1.7).",
    subcommands = {
      BackendTlsSetCommand.class,
      BackendTlsShowCommand.class,
      BackendTlsRemoveCommand.class
    })
public final class BackendTlsCommand {}
