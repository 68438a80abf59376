package io.keygate.benchmarks.footprint;

import io.keygate.gateway.config.ConfigSnapshot;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.model.Tenant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openjdk.jol.info.GraphLayout;

/**
 * The heap one {@link ConfigSnapshot} holds, sized by JOL, for a configuration of a given size:
 * {@code --tenants}, each with {@code --apps} apps and {@code --apis} APIs, each app with {@code
 * --credentials} credentials and a grant on each of its tenant's APIs. Every string is one of its
 * own, as the store's rows hand them over. A node holds one snapshot, two while a reload replaces
 * it.
 *
 * <p>Run: {@code java -Djdk.attach.allowAttachSelf=true -cp benchmarks/target/benchmarks.jar
 * io.keygate.benchmarks.footprint.ConfigSnapshotFootprint [--tenants N] [--apps N] [--apis N]
 * [--credentials N]} (JOL attaches its agent to size records; without the property it fails on
 * them). Not a test and not timed: a measurement, reported in docs/operations.md.
 */
public final class ConfigSnapshotFootprint {
  private ConfigSnapshotFootprint() {}

  public static void main(String[] args) {
    int tenants = 100;
    int apps = 10;
    int apis = 10;
    int credentials = 10;
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      int value = Integer.parseInt(args[i + 1]);
      switch (args[i]) {
        case "--tenants" -> tenants = value;
        case "--apps" -> apps = value;
        case "--apis" -> apis = value;
        case "--credentials" -> credentials = value;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    List<Tenant> tenantRows = new ArrayList<>();
    List<App> appRows = new ArrayList<>();
    List<ApiDefinition> apiRows = new ArrayList<>();
    List<Credential> credentialRows = new ArrayList<>();
    List<Grant> grantRows = new ArrayList<>();
    Instant created = Instant.parse("2026-01-01T00:00:00Z");
    for (int t = 0; t < tenants; t++) {
      String tenant = "tenant-" + t;
      tenantRows.add(new Tenant(tenant, "Tenant number " + t));
      for (int a = 0; a < apis; a++) {
        apiRows.add(new ApiDefinition(tenant + "-api-" + a, tenant, "api" + t + ".example.com",
            "example.orders.v1.OrderService/Method" + a, "10.0.0." + (t % 250) + ":9000",
            AuthMode.SIGNATURE));
      }
      for (int p = 0; p < apps; p++) {
        String app = tenant + "-app-" + p;
        appRows.add(new App(app, tenant, "Application " + p + " of tenant " + t));
        for (int a = 0; a < apis; a++) {
          grantRows.add(new Grant(tenant, app, tenant + "-api-" + a));
        }
        for (int c = 0; c < credentials; c++) {
          String accessKey = String.format(Locale.ROOT, "AK%020d", credentialRows.size());
          credentialRows.add(new Credential(accessKey, app, tenant,
              CredentialIssuer.labelFor(accessKey), null, false, created));
        }
      }
    }
    ConfigSnapshot snapshot = new ConfigSnapshot(1, tenantRows, appRows, apiRows, credentialRows,
        grantRows, List.of());
    long bytes = GraphLayout.parseInstance(snapshot).totalSize();
    System.out.printf(Locale.ROOT,
        "%s %s; %d tenants, %d apps, %d APIs, %d credentials, %d grants: %d bytes (%.1f MiB),"
            + " %.0f bytes per credential%n",
        System.getProperty("java.vm.name"), System.getProperty("java.version"), tenants,
        tenants * apps, tenants * apis, credentialRows.size(), grantRows.size(), bytes,
        bytes / 1048576.0, (double) bytes / credentialRows.size());
  }
}
