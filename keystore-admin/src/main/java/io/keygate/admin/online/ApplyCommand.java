package io.keygate.admin.online;

import io.grpc.StatusRuntimeException;
import io.keygate.admin.cli.AdminException;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.ExitCode;
import io.keygate.admin.cli.Output;
import io.keygate.admin.declarative.ConfigFile;
import io.keygate.admin.declarative.ConfigFileException;
import io.keygate.admin.declarative.Plan;
import io.keygate.admin.declarative.Planner;
import io.keygate.admin.declarative.ServerState;
import io.keygate.admin.declarative.TenantState;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "apply",
    description = {
      "Makes the tenants that FILE names hold what it declares: apps, domains, backends, APIs,"
          + " grants and authorizations (docs/keystore-admin.md, \"Declarative configuration\").",
      "Prints the plan as a diff (+ add, ~ change, - remove), then applies it one admin API call"
          + " at a time, each audited; --dry-run stops after the plan. Idempotent: a second run"
          + " plans nothing. Credentials are never in the file."
    })
public final class ApplyCommand extends AdminVerb {
  @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE",
      description = "the configuration (JSON, as 'export' writes it)")
  Path file;

  @Option(names = "--dry-run", description = "print the plan, change nothing")
  boolean dryRun;

  private List<TenantState> desired;

  @Override
  protected void beforeCall(CliEnvironment env) throws AdminException {
    try {
      desired = ConfigFile.read(file);
    } catch (ConfigFileException e) {
      throw new AdminException(ExitCode.USAGE, file + ": " + e.getMessage());
    }
  }

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out)
      throws AdminException {
    Plan plan = Planner.plan(desired, ServerState.of(fresh(admin)));
    List<String> done = new ArrayList<>();
    if (!dryRun) {
      for (Plan.Change change : plan.changes()) {
        try {
          change.call().run(fresh(admin));
        } catch (StatusRuntimeException e) {
          out.warn("applied " + done.size() + " of " + plan.changes().size()
              + " changes; stopped at: " + change.line());
          throw e;
        }
        done.add(change.line());
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("dry_run", dryRun);
    json.put("changes", plan.changes().stream().map(Plan.Change::line).toList());
    json.put("applied", done.size());
    json.put("notes", plan.notes());
    StringBuilder text = new StringBuilder();
    plan.changes().forEach(c -> text.append(c.line()).append('\n'));
    plan.notes().forEach(n -> text.append("note: ").append(n).append('\n'));
    text.append(plan.isEmpty() ? "Nothing to change."
        : dryRun ? plan.changes().size() + " change(s) planned; nothing applied (--dry-run)."
            : "Applied " + done.size() + " change(s).");
    out.result(json, text.toString());
  }

  /** Each call gets the whole timeout: a plan of a hundred changes must not share one deadline. */
  private AdminServiceBlockingStub fresh(AdminServiceBlockingStub admin) {
    return admin.withDeadlineAfter(connection.timeout().toMillis(), TimeUnit.MILLISECONDS);
  }
}
