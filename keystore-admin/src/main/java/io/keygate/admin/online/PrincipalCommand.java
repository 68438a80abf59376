package io.keygate.admin.online;

import picocli.CommandLine.Command;

/** The group {@code principal}: without a verb, picocli reports the missing subcommand (exit 2). */
@Command(
    name = "principal",
    description = "Who may use the admin API: certificate -> role (admin API).",
    subcommands = {
      PrincipalAddCommand.class,
      PrincipalRemoveCommand.class,
      PrincipalListCommand.class
    })
public final class PrincipalCommand {}
