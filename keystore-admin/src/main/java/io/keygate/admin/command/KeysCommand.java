package io.keygate.admin.command;

import picocli.CommandLine.Command;

/** The group {@code keys}; without a verb picocli reports the missing subcommand (exit 2). */
@Command(
    name = "keys",
    description = "Keys in the token (offline, directly on the HSM).",
    subcommands = {KeysListCommand.class, KeysDestroyCommand.class})
public final class KeysCommand {}
