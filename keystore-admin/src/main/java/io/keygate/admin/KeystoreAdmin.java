package io.keygate.admin;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.ExitCodeMapper;
import io.keygate.admin.cli.Output;
import io.keygate.admin.cli.PinPrompt;
import io.keygate.admin.command.AdminRoot;
import io.keygate.admin.command.BootstrapCommand;
import io.keygate.admin.command.FormatConverter;
import io.keygate.admin.command.KekCommand;
import io.keygate.admin.command.KeysCommand;
import io.keygate.admin.online.AllowanceCommand;
import io.keygate.admin.online.BackendTlsCommand;
import io.keygate.admin.online.ApiCommand;
import io.keygate.admin.online.AppCommand;
import io.keygate.admin.online.ApprovalCommand;
import io.keygate.admin.online.AuditCommand;
import io.keygate.admin.online.AuthorizationCommand;
import io.keygate.admin.online.CredentialCommand;
import io.keygate.admin.online.GrantCommand;
import io.keygate.admin.online.PrincipalCommand;
import io.keygate.admin.online.TenantCommand;
import io.keygate.admin.online.ApplyCommand;
import io.keygate.admin.online.ExportCommand;
import io.keygate.admin.online.TlsCommand;
import io.keygate.admin.online.WhoAmICommand;
import io.keygate.admin.remote.NettyAdminChannels;
import io.keygate.hsm.pkcs11.Pkcs11TokenOptions;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * keystore-admin, the security officers' CLI: the top command, and {@link #main}, the one place
 * that builds the process's collaborators. Verbs are one class each under {@code
 * io.keygate.admin.command}; they reach the environment through {@link AdminRoot}.
 */
@Command(
    name = "keystore-admin",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Keygate's security officer CLI.",
      "Offline, on the HSM: bootstrap, keys, kek. Online, through the gateway's admin API (mTLS):"
          + " whoami, tenant, app, credential, api, grant, authorization, principal, audit,"
          + " approval, tls, backend-tls."
    },
    subcommands = {
      BootstrapCommand.class,
      KeysCommand.class,
      KekCommand.class,
      WhoAmICommand.class,
      TenantCommand.class,
      AppCommand.class,
      CredentialCommand.class,
      AllowanceCommand.class,
      BackendTlsCommand.class,
      ApiCommand.class,
      GrantCommand.class,
      AuthorizationCommand.class,
      PrincipalCommand.class,
      AuditCommand.class,
      ApprovalCommand.class,
      TlsCommand.class,
      ApplyCommand.class,
      ExportCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      // Kept equal to io.keygate.admin.cli.ExitCode (KeystoreAdminHelpTest checks it).
      "0:success",
      "1:the operation failed",
      "2:usage error: bad or missing arguments, unreadable input file",
      "3:HSM unavailable or login refused (wrong PIN, token missing)",
      "4:permission denied (by the admin server, a safety rule or the file system)",
      "5:not found, or already exists / conflicts",
      "6:admin server unreachable or not serving"
    })
public final class KeystoreAdmin implements AdminRoot {
  private final CliEnvironment environment;
  private final ExitCodeMapper exitCodes = new ExitCodeMapper();

  @Option(
      names = "--output",
      scope = ScopeType.INHERIT,
      defaultValue = "text",
      paramLabel = "text|json",
      converter = FormatConverter.class,
      description = "result format: text for people, json for scripts (default: ${DEFAULT-VALUE})")
  Output.Format outputFormat;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "on failure, also print the causes (never secrets)")
  boolean verbose;

  public KeystoreAdmin(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public CliEnvironment environment() {
    return environment;
  }

  @Override
  public Output.Format outputFormat() {
    return outputFormat;
  }

  @Override
  public boolean verbose() {
    return verbose;
  }

  @Override
  public ExitCodeMapper exitCodes() {
    return exitCodes;
  }

  public static void main(String[] args) throws NoSuchAlgorithmException {
    quietLogging(Arrays.asList(args).contains("--verbose") || Arrays.asList(args).contains("-v"));
    Clock clock = Clock.systemUTC();
    Pkcs11TokenOptions tokenOptions = Pkcs11TokenOptions.defaults().withClock(clock);
    CliEnvironment environment =
        new CliEnvironment(
            System.getenv(),
            PinPrompt.console(),
            clock,
            SecureRandom.getInstance("DRBG"),
            (config, pin) -> SunPkcs11Token.open(config, pin, tokenOptions),
            new NettyAdminChannels(),
            softhsmConfigDir());
    KeystoreAdmin admin = new KeystoreAdmin(environment);
    CommandLine line = new CommandLine(admin);
    // Verbs map their own failures; this catches what escapes them (errors, not exceptions), so
    // a person still gets one line and no stack trace.
    line.setExecutionExceptionHandler(
        (e, cmd, parsed) -> admin.exitCodes.report(e, cmd.getErr(), admin.verbose));
    System.exit(line.execute(args));
  }

  /**
   * The adapter logs every HSM call, and gRPC logs connection trouble, through java.util.logging to
   * stderr; for a person that repeats what the one-line error already says. Shown with --verbose; a
   * logging config file given with -D takes precedence.
   */
  private static void quietLogging(boolean verbose) {
    if (System.getProperty("java.util.logging.config.file") == null) {
      Logger root = Logger.getLogger("");
      root.setLevel(verbose ? Level.WARNING : Level.OFF);
    }
  }

  /**
   * softhsm-config/ (create-token.sh): from the system property that bin/keystore-admin and the
   * tests set, else next to the jar (keystore-admin/target/keystore-admin.jar in a checkout).
   */
  private static Optional<Path> softhsmConfigDir() {
    String property = System.getProperty("keygate.softhsm.config.dir");
    if (property != null && !property.isBlank()) {
      return Optional.of(Path.of(property));
    }
    try {
      Path here =
          Path.of(KeystoreAdmin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path dir = here.getParent(); dir != null; dir = dir.getParent()) {
        if (Files.isRegularFile(dir.resolve("softhsm-config").resolve("create-token.sh"))) {
          return Optional.of(dir.resolve("softhsm-config"));
        }
      }
    } catch (Exception e) {
      // No code source (unusual class loader): --softhsm-config-dir is still there.
    }
    return Optional.empty();
  }
}
