package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AddPrincipalRequest;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.Principal;
import io.keygate.proto.admin.v1.Role;
import java.util.Locale;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

@Command(
    name = "add",
    description = {
      "Gives a client certificate a role on the admin API (security-officer).",
      "A security-officer can be added this way only until the gateway has had as many officers"
          + " as approvals it requires (for good, even if officers are removed later); then it is"
          + " refused (DualControlRequired, exit 5) and 'approval"
          + " request add-officer' asks for it."
    })
public final class PrincipalAddCommand extends AdminVerb {
  @ArgGroup(exclusive = true, multiplicity = "1")
  PrincipalIdentity identity;

  @Option(
      names = "--role",
      required = true,
      converter = RoleConverter.class,
      paramLabel = "security-officer|tenant-admin|auditor",
      description = "the role")
  Role role;

  @Option(names = "--tenant", description = "the tenant of a tenant-admin (required for that role)")
  String tenant;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out)
      throws Exception {
    Principal.Builder p = Principal.newBuilder().setRole(role);
    if (identity.isSubject()) {
      p.setSubject(identity.subject());
    } else {
      p.setCertificateSha256(identity.fingerprint());
    }
    if (tenant != null) {
      p.setTenantId(tenant);
    }
    Principal added = admin.addPrincipal(AddPrincipalRequest.newBuilder().setPrincipal(p).build());
    out.result(
        ProtoViews.principal(added),
        "Added "
            + ProtoViews.enumName(added.getRole())
            + (added.getTenantId().isEmpty() ? "" : " of tenant " + added.getTenantId())
            + ": "
            + (added.hasSubject() ? added.getSubject() : "sha256 " + added.getCertificateSha256())
            + ".");
  }

  /** The role names as the config database and the docs spell them. */
  public static final class RoleConverter implements ITypeConverter<Role> {
    @Override
    public Role convert(String value) {
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "security-officer" -> Role.SECURITY_OFFICER;
        case "tenant-admin" -> Role.TENANT_ADMIN;
        case "auditor" -> Role.AUDITOR;
        default ->
            throw new IllegalArgumentException(
                "expected security-officer, tenant-admin or auditor");
      };
    }
  }
}
