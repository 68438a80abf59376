package io.keygate.admin.online;

import com.google.protobuf.Timestamp;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.admin.command.DurationConverter;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.Authorization;
import io.keygate.proto.admin.v1.CreateAuthorizationRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "create",
    description = {
      "Lets an app of another tenant call some of the grantor tenant's APIs, until it expires.",
      "--expires takes a time (2026-12-31T18:00:00Z, or a date: midnight UTC) or a duration from"
          + " now (30d, 12h)."
    })
public final class AuthorizationCreateCommand extends AdminVerb {
  @Option(names = "--id", required = true, description = "authorization id")
  String id;

  @Option(
      names = "--grantor",
      required = true,
      paramLabel = "TENANT",
      description = "tenant owning the APIs")
  String grantor;

  @Option(
      names = "--grantee-app",
      required = true,
      paramLabel = "APP",
      description = "app of another tenant")
  String granteeApp;

  @Option(
      names = "--api",
      required = true,
      split = ",",
      paramLabel = "API",
      description = "API id of the grantor (repeat or separate with commas)")
  List<String> apis = new ArrayList<>();

  @Option(
      names = "--expires",
      required = true,
      paramLabel = "TIME|DURATION",
      description = "required")
  String expires;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    CreateAuthorizationRequest.Builder request =
        CreateAuthorizationRequest.newBuilder()
            .setId(id)
            .setGrantorTenantId(grantor)
            .setGranteeAppId(granteeApp)
            .addAllApiIds(apis);
    Instant at = instant(expires);
    if (at != null) {
      request.setExpiresAt(
          Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()));
    } else {
      Duration validFor = DurationConverter.parse(expires);
      if (validFor.isZero()) {
        throw new IllegalArgumentException("--expires must be in the future");
      }
      request.setValidFor(
          com.google.protobuf.Duration.newBuilder()
              .setSeconds(validFor.getSeconds())
              .setNanos(validFor.getNano()));
    }
    Authorization a = admin.createAuthorization(request.build());
    out.result(
        ProtoViews.authorization(a),
        "Authorization "
            + a.getId()
            + ": app "
            + a.getGranteeAppId()
            + " may call "
            + String.join(", ", a.getApiIdsList())
            + " of tenant "
            + a.getGrantorTenantId()
            + " until "
            + ProtoViews.time(a.hasExpiresAt(), a.getExpiresAt())
            + ".");
  }

  /** A point in time, or null when the value is meant as a duration. */
  private static Instant instant(String value) {
    try {
      return Instant.parse(value.trim());
    } catch (DateTimeParseException notAnInstant) {
      try {
        return LocalDate.parse(value.trim()).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }
}
