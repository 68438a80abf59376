package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.Api;
import io.keygate.proto.admin.v1.EncryptionPolicy;
import io.keygate.proto.admin.v1.SetApiEncryptionRequest;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** {@code api encryption}: sets an API's payload encryption policy (admin API 1.8). */
@Command(
    name = "encryption",
    description = "Sets which hops of an API carry request messages encrypted"
        + " (docs/payload-encryption.md); the tenant's admin or a security officer.")
public final class ApiEncryptionCommand extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Option(names = "--id", required = true, description = "API id")
  String id;

  @Option(
      names = "--policy",
      required = true,
      converter = PolicyConverter.class,
      paramLabel = "none|client|backend|both",
      description = "none; client (the app seals, the gateway opens); backend (the gateway seals"
          + " for the backend); both")
  EncryptionPolicy policy;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    Api api = admin.setApiEncryption(SetApiEncryptionRequest.newBuilder()
        .setTenantId(tenant).setApiId(id).setEncryption(policy).build());
    out.result(ProtoViews.api(api), "API " + api.getId() + " of tenant " + api.getTenantId()
        + ": encryption " + ProtoViews.encryption(api.getEncryption()) + ".");
  }

  /** Only the four policies a person may choose; UNSPECIFIED is the wire's default. */
  public static final class PolicyConverter implements ITypeConverter<EncryptionPolicy> {
    @Override
    public EncryptionPolicy convert(String value) {
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "none" -> EncryptionPolicy.ENCRYPTION_NONE;
        case "client" -> EncryptionPolicy.ENCRYPTION_CLIENT;
        case "backend" -> EncryptionPolicy.ENCRYPTION_BACKEND;
        case "both" -> EncryptionPolicy.ENCRYPTION_BOTH;
        default -> throw new IllegalArgumentException("expected none, client, backend or both");
      };
    }
  }
}
