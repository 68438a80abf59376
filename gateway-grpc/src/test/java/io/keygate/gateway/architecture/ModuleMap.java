package io.keygate.gateway.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/**
 * The map of the code as rules: which room may use which. docs/architecture.md draws the same
 * map. Change a rule deliberately, in its own commit that says why, never to make a build pass.
 */
final class ModuleMap {
  private ModuleMap() {}

  /** The data plane serves calls from a snapshot; the admin plane is another door to the node. */
  static final ArchRule DATA_PLANE_NEVER_USES_THE_ADMIN_PLANE =
      noClasses()
          .that().resideInAnyPackage(
              "io.keygate.gateway.dataplane..", "io.keygate.gateway.auth..",
              "io.keygate.gateway.authz..", "io.keygate.gateway.proxy..",
              "io.keygate.gateway.attestation..",
              "io.keygate.gateway.config..", "io.keygate.gateway.errors..")
          .should().dependOnClassesThat().resideInAPackage("io.keygate.gateway.admin..")
          .as("the data plane never uses the admin plane");

  /** The admin plane changes the store; it never reaches into a call in flight. */
  static final ArchRule ADMIN_PLANE_NEVER_USES_THE_DATA_PLANE =
      noClasses()
          .that().resideInAPackage("io.keygate.gateway.admin..")
          .should().dependOnClassesThat().resideInAnyPackage(
              "io.keygate.gateway.dataplane..", "io.keygate.gateway.proxy..")
          .as("the admin plane never uses the data plane's call path");

  /** Every JDBC access sits behind a narrow interface, implemented in the store. */
  static final ArchRule ONLY_THE_STORE_TOUCHES_JDBC =
      noClasses()
          .that().resideInAPackage("io.keygate..")
          .and().resideOutsideOfPackage("io.keygate.gateway.store..")
          .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..")
          .as("only the store touches java.sql and javax.sql");

  /** The shared nonce store sits behind NonceStore; only its implementation speaks Redis. */
  static final ArchRule ONLY_THE_STORE_TOUCHES_REDIS =
      noClasses()
          .that().resideInAPackage("io.keygate..")
          .and().resideOutsideOfPackage("io.keygate.gateway.store.redis..")
          .should().dependOnClassesThat().resideInAnyPackage("redis.clients..")
          .as("only io.keygate.gateway.store.redis touches Redis (Jedis)");

  /**
   * The gateway attests calls with code of its own: the backend verifier is the other side of
   * the spec, and only the JSON vectors tie the two (an error shared is an error unseen).
   */
  static final ArchRule THE_GATEWAY_ATTESTS_WITHOUT_THE_VERIFIERS_CODE =
      noClasses()
          .that().resideInAPackage("io.keygate.gateway..")
          .should().dependOnClassesThat().resideInAPackage("io.keygate.backend..")
          .as("the gateway's production code never uses the backend verifier's");

  /**
   * Payload envelopes (docs/payload-encryption.md) are coded three times, in the gateway, the client
   * SDK and the backend verifier; only the JSON vectors tie them, so the gateway uses neither of
   * the others' code (the verifier's is covered by the rule above).
   */
  static final ArchRule THE_GATEWAY_CODES_PAYLOADS_WITHOUT_THE_SDKS_CODE =
      noClasses()
          .that().resideInAPackage("io.keygate.gateway..")
          .should().dependOnClassesThat().resideInAPackage("io.keygate.client..")
          .as("the gateway's production code never uses the client SDK's");

  static final ArchRule HSM_ADAPTER_KNOWS_NO_GRPC =
      noClasses()
          .that().resideInAPackage("io.keygate.hsm..")
          .should().dependOnClassesThat().resideInAnyPackage(
              "io.grpc..", "io.netty..", "com.google.protobuf..", "picocli..",
              "io.keygate.gateway..", "io.keygate.admin..")
          .as("hsm-adapter knows nothing of gRPC, protobuf, picocli or its users");

  static final ArchRule ONLY_THE_PKCS11_PACKAGE_NAMES_SUNPKCS11 =
      noClasses()
          .that().resideOutsideOfPackage("io.keygate.hsm.pkcs11..")
          .should().dependOnClassesThat().resideInAnyPackage("sun.security.pkcs11..")
          .as("only io.keygate.hsm.pkcs11 names SunPKCS11");

  /** The direct PKCS#11 binding (the key hierarchy) is confined like SunPKCS11 is. */
  static final ArchRule ONLY_THE_PKCS11_PACKAGE_NAMES_THE_PKCS11_WRAPPER =
      noClasses()
          .that().resideOutsideOfPackage("io.keygate.hsm.pkcs11..")
          .should().dependOnClassesThat().resideInAnyPackage("org.xipki..", "iaik..")
          .as("only io.keygate.hsm.pkcs11 names the direct PKCS#11 wrapper");

  /** The gateway works with the token's capabilities; only the composition root opens one. */
  static final ArchRule ONLY_THE_NODE_OPENS_A_TOKEN =
      noClasses()
          .that().resideInAPackage("io.keygate.gateway..")
          .and().resideOutsideOfPackage("io.keygate.gateway.node..")
          .should().dependOnClassesThat().resideInAPackage("io.keygate.hsm.pkcs11..")
          .as("in the gateway only the node (composition root) opens a PKCS#11 token");

  static final ArchRule THE_MODEL_IS_PLAIN =
      classes()
          .that().resideInAPackage("io.keygate.gateway.model..")
          .should().onlyDependOnClassesThat().resideInAnyPackage(
              // io.keygate.hsm without "..": its value types (a credential names its secret's
              // KeyLabel), never an operation on a token.
              "java..", "io.keygate.gateway.model..", "io.keygate.hsm")
          .as("the model is plain records that depend only on the HSM's value types");

  static final ArchRule THE_PROXY_KNOWS_NO_TENANTS =
      noClasses()
          .that().resideInAPackage("io.keygate.gateway.proxy..")
          .should().dependOnClassesThat().resideInAnyPackage(
              "io.keygate.gateway.auth..", "io.keygate.gateway.authz..",
              "io.keygate.gateway.dataplane..", "io.keygate.gateway.config..",
              "io.keygate.gateway.store..", "io.keygate.gateway.node..")
          .as("the proxy forwards bytes along a route it is given and knows no tenants");

  static final ArchRule NOTHING_USES_THE_COMPOSITION_ROOT =
      noClasses()
          .that().resideInAPackage("io.keygate.gateway..")
          .and().resideOutsideOfPackage("io.keygate.gateway.node..")
          .should().dependOnClassesThat().resideInAPackage("io.keygate.gateway.node..")
          .as("nothing depends on the node, which depends on everything");

  static final ArchRule NO_PACKAGE_CYCLES =
      slices().matching("io.keygate.gateway.(**)").should().beFreeOfCycles()
          .as("the gateway's packages have no cycles");

  static final List<ArchRule> ALL = List.of(
      DATA_PLANE_NEVER_USES_THE_ADMIN_PLANE,
      ADMIN_PLANE_NEVER_USES_THE_DATA_PLANE,
      ONLY_THE_STORE_TOUCHES_JDBC,
      ONLY_THE_STORE_TOUCHES_REDIS,
      THE_GATEWAY_ATTESTS_WITHOUT_THE_VERIFIERS_CODE,
      THE_GATEWAY_CODES_PAYLOADS_WITHOUT_THE_SDKS_CODE,
      HSM_ADAPTER_KNOWS_NO_GRPC,
      ONLY_THE_PKCS11_PACKAGE_NAMES_SUNPKCS11,
      ONLY_THE_PKCS11_PACKAGE_NAMES_THE_PKCS11_WRAPPER,
      ONLY_THE_NODE_OPENS_A_TOKEN,
      THE_MODEL_IS_PLAIN,
      THE_PROXY_KNOWS_NO_TENANTS,
      NOTHING_USES_THE_COMPOSITION_ROOT,
      NO_PACKAGE_CYCLES);
}
