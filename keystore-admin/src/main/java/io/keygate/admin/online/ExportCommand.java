package io.keygate.admin.online;

import io.keygate.admin.cli.AdminException;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.ExitCode;
import io.keygate.admin.cli.Json;
import io.keygate.admin.cli.Output;
import io.keygate.admin.cli.OutputFiles;
import io.keygate.admin.declarative.ConfigFile;
import io.keygate.admin.declarative.ServerState;
import io.keygate.admin.declarative.TenantState;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "export",
    description = {
      "Writes the gateway's tenants, apps, domains, backends, APIs, grants and live"
          + " authorizations in the format 'apply -f' reads. Never credentials.",
      "A tenant-admin names its tenant with --tenant."
    })
public final class ExportCommand extends AdminVerb {
  @Option(names = "--tenant", paramLabel = "ID",
      description = "export only these tenants (repeat; default: every tenant you may list)")
  List<String> tenants = new ArrayList<>();

  @Option(names = {"-o", "--out"}, paramLabel = "FILE",
      description = "write to FILE (must not exist) instead of stdout")
  Path outFile;

  @Override
  protected void beforeCall(CliEnvironment env) throws Exception {
    OutputFiles.requireAbsent(outFile);
  }

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out)
      throws Exception {
    ServerState server = ServerState.of(admin);
    List<String> ids = tenants.isEmpty() ? server.tenantIds() : tenants;
    if (ids.isEmpty()) {
      throw new AdminException(ExitCode.USAGE,
          "no tenant to export: name one with --tenant (a tenant-admin cannot list tenants)");
    }
    List<TenantState> states = new ArrayList<>();
    for (String id : ids) {
      states.add(server.tenant(id, id).orElseThrow(() -> new AdminException(
          ExitCode.NOT_FOUND_OR_CONFLICT, "no tenant " + id)));
    }
    Map<String, Object> json = ConfigFile.toJson(states);
    if (outFile != null) {
      OutputFiles.createPublic(outFile, Json.write(json) + "\n");
      out.result(Map.of("file", outFile.toString(), "tenants", ids),
          "Exported " + ids.size() + " tenant(s) to " + outFile);
    } else {
      out.result(json, Json.write(json));
    }
  }
}
