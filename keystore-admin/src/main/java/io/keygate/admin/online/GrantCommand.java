package io.keygate.admin.online;

import picocli.CommandLine.Command;

/** The group {@code grant}: without a verb, picocli reports the missing subcommand (exit 2). */
@Command(
    name = "grant",
    description = "Grants: an app may call an API of its own tenant (admin API).",
    subcommands = {GrantAddCommand.class, GrantRemoveCommand.class, GrantListCommand.class})
public final class GrantCommand {}
