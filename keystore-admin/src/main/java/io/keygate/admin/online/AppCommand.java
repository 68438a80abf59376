package io.keygate.admin.online;

import picocli.CommandLine.Command;

/** The group {@code app}: without a verb, picocli reports the missing subcommand (exit 2). */
@Command(
    name = "app",
    description = "Apps of a tenant (admin API).",
    subcommands = {AppCreateCommand.class, AppListCommand.class})
public final class AppCommand {}
