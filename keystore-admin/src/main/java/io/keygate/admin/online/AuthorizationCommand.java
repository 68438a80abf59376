package io.keygate.admin.online;

import picocli.CommandLine.Command;

/**
 * The group {@code authorization}: without a verb, picocli reports the missing subcommand (exit 2).
 */
@Command(
    name = "authorization",
    description = "Cross-tenant authorizations with an expiry (admin API).",
    subcommands = {
      AuthorizationCreateCommand.class,
      AuthorizationRevokeCommand.class,
      AuthorizationListCommand.class
    })
public final class AuthorizationCommand {}
