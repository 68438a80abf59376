package io.keygate.admin.online;

import picocli.CommandLine.Command;

/**
 * The group {@code allowance}: what a tenant's APIs may use. Security officers allow domains
 * and backends; tenant-admins and auditors list them.
 */
@Command(
    name = "allowance",
    description =
        "Domains and backends a tenant's APIs may use (security officers decide; admin API 1.2).",
    subcommands = {
      AllowanceDomainAddCommand.class,
      AllowanceDomainRemoveCommand.class,
      AllowanceBackendAddCommand.class,
      AllowanceBackendRemoveCommand.class,
      AllowanceListCommand.class
    })
public final class AllowanceCommand {}
