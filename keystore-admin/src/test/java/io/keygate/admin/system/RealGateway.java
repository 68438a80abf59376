package io.keygate.admin.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.pki.Pem;
import io.keygate.admin.remote.NettyAdminChannels;
import io.keygate.admin.testing.CliRunner;
import io.keygate.admin.testing.CliRunner.Result;
import io.keygate.client.AccessSecret;
import io.keygate.client.SigningClientInterceptor;
import io.keygate.gateway.store.jdbc.ConfigDatabaseSettings;
import io.keygate.demo.backend.EchoBackend;
import io.keygate.gateway.node.GatewayNode;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A production gateway node in the test JVM, set up the way docs/keystore-admin.md tells an
 * operator to: the offline {@code bootstrap} verbs make the TLS key, the admin CA and everyone's
 * client certificate in a fresh SoftHSM2 token; then {@link GatewayNode#start} runs the node from
 * the same variables as production (data plane, admin API, audit log, dual control, TLS key
 * follower; embedded H2 in a temp directory), in front of an {@link EchoBackend}; then alice, the
 * first officer, adds the other {@link Person}s and the tenants acme and globex with the CLI.
 *
 * <p>Every CLI run goes through {@link #as}: in-process, over real mutual TLS, and recorded in a
 * {@link #transcript()} so a test can prove that no secret was ever printed. The offline verbs run
 * only before the node opens the token: two logins to one token in one JVM are not supported.
 */
final class RealGateway implements AutoCloseable {
  static final String ECHO = "keygate.demo.v1.EchoService/Echo";
  /** acme's domain: the tests' channels send their calls to localhost. */
  static final String ACME_DOMAIN = "localhost";
  static final String GLOBEX_DOMAIN = "globex.localhost";
  static final String CHAT = "keygate.demo.v1.EchoService/Chat";

  private final Path dir;
  private final Server backend;
  private final Node node;
  private final X509Certificate bootstrapTlsCertificate;
  private final StringBuffer transcript;
  private final List<ManagedChannel> channels = new ArrayList<>();

  private RealGateway(
      Path dir,
      Server backend,
      Node node,
      X509Certificate bootstrapTlsCertificate,
      StringBuffer transcript) {
    this.dir = dir;
    this.backend = backend;
    this.node = node;
    this.bootstrapTlsCertificate = bootstrapTlsCertificate;
    this.transcript = transcript;
  }

  /**
   * Bootstraps the token {@code tokenLabel} of {@code hsm} (created empty by the test's
   * SoftHsmTokens), starts the node and enrols everyone. Files go under {@code dir}.
   */
  static RealGateway start(SoftHsmTokens hsm, String tokenLabel, Path dir) throws Exception {
    return start(hsm, tokenLabel, dir, Options.IN_PROCESS);
  }

  /**
   * How the node runs.
   *
   * @param kek a KEK the security officer generates first, for KEYGATE_KEK; null for none
   * @param ownProcess the node as its own process ({@code GatewayMain}), as an operator runs it
   */
  record Options(String kek, boolean ownProcess) {
    static final Options IN_PROCESS = new Options(null, false);
  }

  /** The node, in this JVM or in its own process. */
  private interface Node extends AutoCloseable {
    int port();

    int adminPort();

    @Override
    void close();
  }

  static RealGateway start(SoftHsmTokens hsm, String tokenLabel, Path dir, Options options)
      throws Exception {
    StringBuffer transcript = new StringBuffer();
    if (options.kek() != null) {
      // The officer's first step on a fresh token, before anything logs in as the user.
      Result kek = CliRunner.run(CliRunner.environment(), "kek", "generate", "--id", options.kek(),
          "--hsm-config", hsm.config(tokenLabel).toString(),
          "--so-pin-file", hsm.soPinFile().toString());
      transcript.append("$ keystore-admin kek generate --id ").append(options.kek()).append('\n')
          .append(kek.out()).append(kek.err());
      assertThat(kek.exitCode()).as("kek generate:%n%s", kek).isZero();
    }
    Offline offline = new Offline(hsm.config(tokenLabel), hsm.pinFile(), transcript);
    Path tlsCert = dir.resolve("gateway-tls.pem");
    offline.ok("bootstrap", "tls-key", "--cn", "keygate-gateway", "--dns", "localhost",
        "--ip", "127.0.0.1", "--cert-out", tlsCert.toString());
    offline.ok("bootstrap", "admin-ca", "--cn", "Keygate Admin CA",
        "--cert-out", dir.resolve("admin-ca.pem").toString());
    String aliceSha256 = null;
    for (Person p : Person.values()) {
      JsonObject issued = offline.json("bootstrap", "officer-cert", "--cn", p.commonName(),
          "--out-cert", certificate(dir, p).toString(), "--out-key", key(dir, p).toString());
      if (p == Person.ALICE) {
        aliceSha256 = issued.getAsJsonObject("certificate").get("sha256").getAsString();
      }
    }

    Server backend = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new EchoBackend("acme-backend"))
        .build()
        .start();
    Map<String, String> env = new HashMap<>();
    env.put("KEYGATE_HSM_CONFIG", hsm.config(tokenLabel).toString());
    env.put("KEYGATE_HSM_PIN_FILE", hsm.pinFile().toString());
    env.put("KEYGATE_TLS_KEY", "gateway-tls");
    env.put("KEYGATE_LISTEN", "127.0.0.1:0");
    env.put("KEYGATE_DATA_DIR", dataDir(dir).toString());
    env.put("KEYGATE_ADMIN_LISTEN", "127.0.0.1:0");
    env.put("KEYGATE_ADMIN_CA_FILE", dir.resolve("admin-ca.pem").toString());
    env.put("KEYGATE_FIRST_OFFICER_SHA256", aliceSha256);
    env.put("KEYGATE_APPROVALS_REQUIRED", "2");
    env.put("KEYGATE_APPROVAL_TTL", "PT1H");
    if (options.kek() != null) {
      env.put("KEYGATE_KEK", options.kek());
    }
    Node node;
    try {
      if (options.ownProcess()) {
        env.putAll(hsm.childEnvironment());
        NodeProcess process = NodeProcess.start(env, dir.resolve("node.log"));
        node = new Node() {
          @Override
          public int port() {
            return process.port();
          }

          @Override
          public int adminPort() {
            return process.adminPort();
          }

          @Override
          public void close() {
            process.close();
          }

          @Override
          public String toString() {
            return Long.toString(process.pid());
          }
        };
      } else {
        GatewayNode inProcess = GatewayNode.start(env);
        node = new Node() {
          @Override
          public int port() {
            return inProcess.port();
          }

          @Override
          public int adminPort() {
            return inProcess.adminPort().orElseThrow();
          }

          @Override
          public void close() {
            inProcess.close();
          }
        };
      }
    } catch (Exception | Error e) {
      backend.shutdownNow();
      throw e;
    }
    RealGateway gateway = new RealGateway(
        dir, backend, node, Pem.readCertificates(tlsCert).get(0), transcript);
    try {
      gateway.enrolEveryone();
    } catch (Exception | Error e) {
      gateway.close();
      throw e;
    }
    return gateway;
  }

  private void enrolEveryone() {
    CliSession alice = as(Person.ALICE);
    alice.ok("principal", "add", "--of-cert", certificate(dir, Person.BOB).toString(),
        "--role", "security-officer");
    alice.ok("principal", "add", "--of-cert", certificate(dir, Person.AUDREY).toString(),
        "--role", "auditor");
    alice.ok("tenant", "create", "--id", "acme", "--name", "Acme Corp");
    alice.ok("tenant", "create", "--id", "globex", "--name", "Globex");
    // What each tenant's APIs may use: its domain, and the echo backend.
    alice.ok("allowance", "allow-domain", "--tenant", "acme", "--domain", ACME_DOMAIN);
    alice.ok("allowance", "allow-domain", "--tenant", "globex", "--domain", GLOBEX_DOMAIN);
    alice.ok("allowance", "allow-backend", "--tenant", "acme", "--backend", backendTarget());
    alice.ok("allowance", "allow-backend", "--tenant", "globex", "--backend", backendTarget());
    alice.ok("principal", "add", "--of-cert", certificate(dir, Person.ACME_ADMIN).toString(),
        "--role", "tenant-admin", "--tenant", "acme");
    alice.ok("principal", "add", "--of-cert", certificate(dir, Person.GLOBEX_ADMIN).toString(),
        "--role", "tenant-admin", "--tenant", "globex");
  }

  /** keystore-admin as {@code person}: their certificate and key, the node's admin port. */
  CliSession as(Person person) {
    Map<String, String> vars = Map.of(
        "KEYGATE_ADMIN_SERVER", "localhost:" + node.adminPort(),
        "KEYGATE_ADMIN_CERT", certificate(dir, person).toString(),
        "KEYGATE_ADMIN_KEY", key(dir, person).toString(),
        // The admin listener serves the bootstrap TLS key (KEYGATE_ADMIN_TLS_KEY is not set), and
        // keeps it when the data plane's key is rotated.
        "KEYGATE_ADMIN_CA", dir.resolve("gateway-tls.pem").toString());
    return new CliSession(
        person,
        CliRunner.environment(vars).withAdminChannels(new NettyAdminChannels()),
        transcript);
  }

  /** The process id of a node that runs in its own process ({@link Options#ownProcess}). */
  long nodePid() {
    return Long.parseLong(node.toString());
  }

  /** The PEM certificate {@code bootstrap officer-cert} issued to {@code person}. */
  Path certificateOf(Person person) {
    return certificate(dir, person);
  }

  /** Everything every CLI run of this gateway printed, stdout and stderr. */
  String transcript() {
    return transcript.toString();
  }

  /** A new file path under this gateway's directory (for --secret-out and the like). */
  Path file(String name) {
    return dir.resolve(name);
  }

  /** host:port of the echo backend, for {@code api register --backend}. */
  String backendTarget() {
    return "127.0.0.1:" + backend.getPort();
  }

  /** The certificate the data plane served at start (from {@code bootstrap tls-key}). */
  X509Certificate bootstrapTlsCertificate() {
    return bootstrapTlsCertificate;
  }

  /** A TLS channel to the data plane that trusts only {@code certificate}; closed with the node. */
  ManagedChannel channelTrusting(X509Certificate certificate) throws Exception {
    ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", node.port())
        .sslContext(GrpcSslContexts.forClient().trustManager(certificate).build())
        .build();
    synchronized (channels) {
      channels.add(channel);
    }
    return channel;
  }

  /**
   * {@code channel} signing every call as the app would: the AccessKey, and the secret read from
   * the file {@code credential create|add --secret-out} wrote.
   */
  static Channel signing(Channel channel, String accessKey, Path secretFile) throws Exception {
    AccessSecret secret =
        AccessSecret.fromBase64(Files.readString(secretFile, StandardCharsets.US_ASCII).strip());
    return ClientInterceptors.intercept(
        channel, SigningClientInterceptor.create(accessKey, secret));
  }

  /**
   * A connection to the node's own config database (embedded H2: the same URL opens the same
   * database in this JVM), for what someone with write access to it could do.
   */
  Connection openConfigDatabase() throws Exception {
    ConfigDatabaseSettings settings = ConfigDatabaseSettings.embeddedH2(dataDir(dir));
    return DriverManager.getConnection(settings.jdbcUrl(), settings.user(), "");
  }

  @Override
  public void close() {
    synchronized (channels) {
      channels.forEach(ManagedChannel::shutdownNow);
    }
    node.close();
    backend.shutdownNow();
    try {
      backend.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Path dataDir(Path dir) {
    return dir.resolve("data");
  }

  private static Path certificate(Path dir, Person p) {
    return dir.resolve(p.commonName() + ".pem");
  }

  private static Path key(Path dir, Person p) {
    return dir.resolve(p.commonName() + ".key");
  }

  /** keystore-admin run by one person against the node, every run added to the transcript. */
  static final class CliSession {
    private final Person person;
    private final CliEnvironment env;
    private final StringBuffer transcript;

    private CliSession(Person person, CliEnvironment env, StringBuffer transcript) {
      this.person = person;
      this.env = env;
      this.transcript = transcript;
    }

    /** Runs the command; whatever it returns, a person never sees a stack trace. */
    Result run(String... args) {
      Result r = CliRunner.run(env, args);
      transcript.append("$ [").append(person.commonName()).append("] keystore-admin ")
          .append(String.join(" ", args)).append('\n').append(r.out()).append(r.err());
      return r.assertNoStackTrace();
    }

    /** Runs a command that must succeed. */
    Result ok(String... args) {
      Result r = run(args);
      assertThat(r.exitCode()).as("%s ran %s:%n%s", person, Arrays.toString(args), r).isZero();
      return r;
    }

    /** Runs a command that must succeed with {@code --output json}; its one JSON document. */
    JsonObject json(String... args) {
      return parse(ok(withJson(args)));
    }

    static String[] withJson(String... args) {
      String[] all = new String[args.length + 2];
      all[0] = "--output";
      all[1] = "json";
      System.arraycopy(args, 0, all, 2, args.length);
      return all;
    }

    static JsonObject parse(Result r) {
      return JsonParser.parseString(r.out()).getAsJsonObject();
    }
  }

  /** The offline verbs, on the token directly (before the node runs). */
  private static final class Offline {
    private final Path config;
    private final Path pinFile;
    private final StringBuffer transcript;

    Offline(Path config, Path pinFile, StringBuffer transcript) {
      this.config = config;
      this.pinFile = pinFile;
      this.transcript = transcript;
    }

    Result ok(String... args) {
      String[] all = Arrays.copyOf(args, args.length + 4);
      all[args.length] = "--hsm-config";
      all[args.length + 1] = config.toString();
      all[args.length + 2] = "--pin-file";
      all[args.length + 3] = pinFile.toString();
      Result r = CliRunner.run(CliRunner.environment(), all);
      transcript.append("$ keystore-admin ").append(String.join(" ", args)).append('\n')
          .append(r.out()).append(r.err());
      assertThat(r.exitCode()).as("%s:%n%s", Arrays.toString(args), r).isZero();
      return r.assertNoStackTrace();
    }

    JsonObject json(String... args) {
      return CliSession.parse(ok(CliSession.withJson(args)));
    }
  }
}
