package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.SetSignatureRequirementRequest;
import io.keygate.proto.admin.v1.SignatureRequirement;
import io.keygate.proto.admin.v1.SignatureRequirementState;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * {@code api signature}: which signature versions an API's calls must use, or (without
 * {@code --id}) its tenant's default (admin API 1.10).
 */
@Command(
    name = "signature",
    description = "Requires signature version 2 on an API (the tenant's admin or a security"
        + " officer), or, without --id, on all of a tenant's APIs as a floor its admin cannot"
        + " lower (security officers); docs/signature-spec.md, section 13.5.")
public final class ApiSignatureCommand extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Option(names = "--id", description = "API id; without it: the tenant's default")
  String id;

  @Option(
      names = "--require",
      required = true,
      converter = RequirementConverter.class,
      paramLabel = "v2|v1-or-v2",
      description = "v2 (version-1 calls are refused SignatureVersionRequired) or v1-or-v2 (the"
          + " default)")
  SignatureRequirement requirement;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    SetSignatureRequirementRequest.Builder req = SetSignatureRequirementRequest.newBuilder()
        .setTenantId(tenant).setRequirement(requirement);
    if (id != null) {
      req.setApiId(id);
    }
    SignatureRequirementState state = admin.setSignatureRequirement(req.build());
    String what = state.getApiId().isEmpty()
        ? "Tenant " + state.getTenantId() + ": default"
        : "API " + state.getApiId() + " of tenant " + state.getTenantId() + ": in force";
    out.result(ProtoViews.map(
            "tenantId", state.getTenantId(),
            "apiId", state.getApiId(),
            "tenantDefault", text(state.getTenantDefault()),
            "effective", text(state.getEffective())),
        what + " " + text(state.getEffective()) + ".");
  }

  /** v2, v1-or-v2; "unknown" from a server older than admin API 1.10. */
  static String text(SignatureRequirement r) {
    return switch (r) {
      case SIGNATURE_V1_OR_V2 -> "v1-or-v2";
      case SIGNATURE_V2_REQUIRED -> "v2";
      case SIGNATURE_REQUIREMENT_UNSPECIFIED, UNRECOGNIZED -> "unknown";
    };
  }

  /** Only the two requirements a person may choose; UNSPECIFIED is the wire's default. */
  public static final class RequirementConverter implements ITypeConverter<SignatureRequirement> {
    @Override
    public SignatureRequirement convert(String value) {
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "v2" -> SignatureRequirement.SIGNATURE_V2_REQUIRED;
        case "v1-or-v2" -> SignatureRequirement.SIGNATURE_V1_OR_V2;
        default -> throw new IllegalArgumentException("expected v2 or v1-or-v2");
      };
    }
  }
}
