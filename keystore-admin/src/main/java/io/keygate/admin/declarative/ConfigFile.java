package io.keygate.admin.declarative;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads and writes the declarative configuration format (docs/keystore-admin.md, "Declarative
 * configuration"): JSON, {@code {"version": 1, "tenants": [...]}}. Strict: an unknown field, a
 * wrong type or a duplicate id is an error naming the field's path ({@code
 * tenants[0].apis[2].backend}), so a typo never silently means "remove". A field that would hold
 * a secret does not exist: a credential in a file is refused like any unknown field.
 */
public final class ConfigFile {
  public static final int VERSION = 1;
  /** Bounds a file to what an admin API can apply in one sitting. */
  static final long MAX_BYTES = 16L << 20;

  private ConfigFile() {}

  public static List<TenantState> read(Path file) throws ConfigFileException {
    String text;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new ConfigFileException(file + ": larger than " + (MAX_BYTES >> 20) + " MiB");
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigFileException("cannot read " + file + ": " + e.getMessage());
    }
    return parse(text);
  }

  static List<TenantState> parse(String text) throws ConfigFileException {
    JsonElement root;
    try {
      root = JsonParser.parseString(text);
    } catch (JsonParseException e) {
      throw new ConfigFileException("not JSON: " + e.getMessage());
    }
    Obj top = Obj.of(root, "", Set.of("version", "tenants"));
    int version = top.integer("version");
    if (version != VERSION) {
      throw new ConfigFileException("version: this keystore-admin reads version " + VERSION
          + ", not " + version);
    }
    List<TenantState> tenants = top.list("tenants", ConfigFile::tenant);
    unique(tenants, TenantState::id, "tenants", "id");
    return tenants;
  }

  private static TenantState tenant(Obj t) throws ConfigFileException {
    t.allow("id", "name", "apps", "domains", "backends", "apis", "grants", "authorizations");
    TenantState tenant = new TenantState(
        t.text("id"), t.text("name"),
        t.optionalList("apps", a -> {
          a.allow("id", "name");
          return new TenantState.App(a.text("id"), a.text("name"));
        }),
        t.optionalTexts("domains"),
        t.optionalList("backends", b -> {
          b.allow("target", "allow_unauthenticated");
          return new TenantState.Backend(b.text("target"), b.flag("allow_unauthenticated", false));
        }),
        t.optionalList("apis", a -> {
          a.allow("id", "domain", "method", "backend", "auth", "preauth_max_message_bytes");
          String auth = a.optionalText("auth", "signature");
          if (!auth.equals("signature") && !auth.equals("none")) {
            throw a.error("auth", "is signature or none, not '" + auth + "'");
          }
          return new TenantState.Api(a.text("id"), a.text("domain"), a.text("method"),
              a.text("backend"), auth, a.optionalInteger("preauth_max_message_bytes", 0));
        }),
        t.optionalList("grants", g -> {
          g.allow("app", "api");
          return new TenantState.Grant(g.text("app"), g.text("api"));
        }),
        t.optionalList("authorizations", z -> {
          z.allow("id", "grantee_app", "apis", "expires_at");
          String expires = z.optionalText("expires_at", null);
          Instant at;
          try {
            at = expires == null ? null : Instant.parse(expires);
          } catch (DateTimeParseException e) {
            throw z.error("expires_at", "is an ISO-8601 instant (2027-01-01T00:00:00Z)");
          }
          return new TenantState.Authorization(z.text("id"), z.text("grantee_app"),
              z.texts("apis"), at);
        }));
    String where = t.path;
    unique(tenant.apps(), TenantState.App::id, where + ".apps", "id");
    unique(tenant.domains(), Function.identity(), where + ".domains", "domain");
    unique(tenant.backends(), TenantState.Backend::target, where + ".backends", "target");
    unique(tenant.apis(), TenantState.Api::id, where + ".apis", "id");
    unique(tenant.grants(), g -> g.app() + " " + g.api(), where + ".grants", "app and api");
    unique(tenant.authorizations(), TenantState.Authorization::id, where + ".authorizations", "id");
    return tenant;
  }

  /** The file {@code export} writes: what {@link #read} reads back to the same state. */
  public static Map<String, Object> toJson(List<TenantState> tenants) {
    List<Object> list = new ArrayList<>();
    for (TenantState t : tenants) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", t.id());
      m.put("name", t.name());
      m.put("apps", t.apps().stream().map(a -> ordered("id", a.id(), "name", a.name())).toList());
      m.put("domains", t.domains());
      m.put("backends", t.backends().stream().map(b -> ordered("target", b.target(),
          "allow_unauthenticated", b.allowUnauthenticated())).toList());
      m.put("apis", t.apis().stream().map(a -> ordered("id", a.id(), "domain", a.domain(),
          "method", a.method(), "backend", a.backend(), "auth", a.auth(),
          "preauth_max_message_bytes", a.preAuthMaxMessageBytes())).toList());
      m.put("grants", t.grants().stream().map(g -> ordered("app", g.app(), "api", g.api()))
          .toList());
      m.put("authorizations", t.authorizations().stream().map(z -> {
        Map<String, Object> a = ordered("id", z.id(), "grantee_app", z.granteeApp(), "apis",
            z.apis());
        if (z.expiresAt() != null) {
          a.put("expires_at", z.expiresAt().toString());
        }
        return a;
      }).toList());
      list.add(m);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("version", VERSION);
    root.put("tenants", list);
    return root;
  }

  private static Map<String, Object> ordered(Object... pairs) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], pairs[i + 1]);
    }
    return m;
  }

  private static <T> void unique(List<T> items, Function<T, String> key, String where,
      String what) throws ConfigFileException {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      if (!seen.add(key.apply(items.get(i)))) {
        throw new ConfigFileException(where + "[" + i + "]: the same " + what + " twice");
      }
    }
  }

  /** One JSON object at a path, read strictly. */
  private static final class Obj {
    final JsonObject json;
    final String path;

    private Obj(JsonObject json, String path) {
      this.json = json;
      this.path = path;
    }

    static Obj of(JsonElement e, String path, Set<String> allowed) throws ConfigFileException {
      if (e == null || !e.isJsonObject()) {
        throw new ConfigFileException("the file must hold one JSON object");
      }
      Obj o = new Obj(e.getAsJsonObject(), path);
      o.allow(allowed.toArray(String[]::new));
      return o;
    }

    void allow(String... names) throws ConfigFileException {
      Set<String> allowed = Set.of(names);
      for (String key : json.keySet()) {
        if (!allowed.contains(key)) {
          throw new ConfigFileException(at(key) + ": unknown field (allowed: "
              + String.join(", ", names) + "; credentials and secrets are never declared)");
        }
      }
    }

    ConfigFileException error(String field, String message) {
      return new ConfigFileException(at(field) + ": " + message);
    }

    /** The path of {@code field} in this object. */
    String at(String field) {
      return path.isEmpty() ? field : path + "." + field;
    }

    String text(String field) throws ConfigFileException {
      String v = optionalText(field, null);
      if (v == null || v.isBlank()) {
        throw error(field, "is required (a non-empty string)");
      }
      return v;
    }

    String optionalText(String field, String fallback) throws ConfigFileException {
      JsonElement e = json.get(field);
      if (e == null || e.isJsonNull()) {
        return fallback;
      }
      if (!(e instanceof JsonPrimitive p) || !p.isString()) {
        throw error(field, "must be a string");
      }
      return p.getAsString();
    }

    boolean flag(String field, boolean fallback) throws ConfigFileException {
      JsonElement e = json.get(field);
      if (e == null || e.isJsonNull()) {
        return fallback;
      }
      if (!(e instanceof JsonPrimitive p) || !p.isBoolean()) {
        throw error(field, "must be true or false");
      }
      return p.getAsBoolean();
    }

    int integer(String field) throws ConfigFileException {
      JsonElement e = json.get(field);
      if (e == null) {
        throw error(field, "is required (a whole number)");
      }
      return optionalInteger(field, 0);
    }

    int optionalInteger(String field, int fallback) throws ConfigFileException {
      JsonElement e = json.get(field);
      if (e == null || e.isJsonNull()) {
        return fallback;
      }
      if (!(e instanceof JsonPrimitive p) || !p.isNumber()) {
        throw error(field, "must be a whole number");
      }
      try {
        return p.getAsBigDecimal().intValueExact();
      } catch (ArithmeticException ex) {
        throw error(field, "must be a whole number");
      }
    }

    List<String> texts(String field) throws ConfigFileException {
      if (json.get(field) == null) {
        throw error(field, "is required (a list of strings)");
      }
      return optionalTexts(field);
    }

    List<String> optionalTexts(String field) throws ConfigFileException {
      JsonArray array = array(field);
      List<String> out = new ArrayList<>();
      for (int i = 0; i < array.size(); i++) {
        JsonElement e = array.get(i);
        if (!(e instanceof JsonPrimitive p) || !p.isString() || p.getAsString().isBlank()) {
          throw new ConfigFileException(at(field) + "[" + i + "]: must be a string");
        }
        out.add(p.getAsString());
      }
      return out;
    }

    interface Reader<T> {
      T read(Obj o) throws ConfigFileException;
    }

    <T> List<T> list(String field, Reader<T> reader) throws ConfigFileException {
      if (json.get(field) == null) {
        throw error(field, "is required (a list)");
      }
      return optionalList(field, reader);
    }

    <T> List<T> optionalList(String field, Reader<T> reader) throws ConfigFileException {
      JsonArray array = array(field);
      List<T> out = new ArrayList<>();
      for (int i = 0; i < array.size(); i++) {
        String item = at(field) + "[" + i + "]";
        JsonElement e = array.get(i);
        if (!e.isJsonObject()) {
          throw new ConfigFileException(item + ": must be an object");
        }
        out.add(reader.read(new Obj(e.getAsJsonObject(), item)));
      }
      return out;
    }

    private JsonArray array(String field) throws ConfigFileException {
      JsonElement e = json.get(field);
      if (e == null || e.isJsonNull()) {
        return new JsonArray();
      }
      if (!e.isJsonArray()) {
        throw error(field, "must be a list");
      }
      return e.getAsJsonArray();
    }
  }
}
