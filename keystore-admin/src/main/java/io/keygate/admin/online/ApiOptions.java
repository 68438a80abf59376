package io.keygate.admin.online;

import io.keygate.proto.admin.v1.Api;
import io.keygate.proto.admin.v1.AuthMode;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** The fields of an API, for register and update (update replaces all of them). */
public final class ApiOptions {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Option(names = "--id", required = true, description = "API id")
  String id;

  @Option(
      names = "--domain",
      required = true,
      paramLabel = "DOMAIN",
      description =
          "the domain calls are sent to, one a security officer allowed the tenant"
              + " (allowance list); the method name is unique on it")
  String domain;

  @Option(
      names = "--method",
      required = true,
      paramLabel = "PKG.SERVICE/METHOD",
      description = "full gRPC method name, without a leading slash")
  String method;

  @Option(
      names = "--backend",
      required = true,
      paramLabel = "HOST:PORT",
      description = "backend target")
  String backend;

  @Option(
      names = "--auth",
      defaultValue = "signature",
      converter = AuthModeConverter.class,
      paramLabel = "signature|none",
      description =
          "signature (X-Ca, verified in the HSM) or none: anyone reaching the gateway may call"
              + " (default: ${DEFAULT-VALUE})")
  AuthMode auth;

  @Option(
      names = "--preauth-max-bytes",
      defaultValue = "0",
      paramLabel = "BYTES",
      description =
          "largest first message before authentication; 0: the node's limit, which also caps"
              + " larger values (default: ${DEFAULT-VALUE})")
  int preAuthMaxBytes;

  Api toApi() {
    return Api.newBuilder()
        .setTenantId(tenant)
        .setId(id)
        .setMethodName(method.startsWith("/") ? method.substring(1) : method)
        .setBackendTarget(backend)
        .setAuthMode(auth)
        .setDomain(domain)
        .setPreauthMaxMessageBytes(Math.max(0, preAuthMaxBytes))
        .build();
  }

  /** Only the two modes a person may choose; UNSPECIFIED is the wire's default, not a choice. */
  public static final class AuthModeConverter implements ITypeConverter<AuthMode> {
    @Override
    public AuthMode convert(String value) {
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "signature" -> AuthMode.SIGNATURE;
        case "none" -> AuthMode.NONE;
        default -> throw new IllegalArgumentException("expected signature or none");
      };
    }
  }
}
