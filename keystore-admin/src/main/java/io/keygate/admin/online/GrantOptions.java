package io.keygate.admin.online;

import io.keygate.proto.admin.v1.Grant;
import picocli.CommandLine.Option;

/** A grant: an app may call an API of its own tenant. */
public final class GrantOptions {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Option(names = "--app", required = true, description = "app id (of the same tenant)")
  String app;

  @Option(names = "--api", required = true, description = "API id (of the same tenant)")
  String api;

  Grant toGrant() {
    return Grant.newBuilder().setTenantId(tenant).setAppId(app).setApiId(api).build();
  }
}
