package io.keygate.admin.online;

import picocli.CommandLine.Command;

/** The group {@code audit}: without a verb, picocli reports the missing subcommand (exit 2). */
@Command(
    name = "audit",
    description = "Reads and verifies the gateway's audit log (admin API; officer or auditor).",
    subcommands = {AuditTailCommand.class, AuditQueryCommand.class, AuditVerifyCommand.class})
public final class AuditCommand {}
