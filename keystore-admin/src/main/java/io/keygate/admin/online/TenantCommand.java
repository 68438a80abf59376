package io.keygate.admin.online;

import picocli.CommandLine.Command;

/** The group {@code tenant}: without a verb, picocli reports the missing subcommand (exit 2). */
@Command(
    name = "tenant",
    description = "Tenants (admin API).",
    subcommands = {TenantCreateCommand.class, TenantListCommand.class})
public final class TenantCommand {}
