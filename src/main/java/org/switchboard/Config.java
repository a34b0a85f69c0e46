package org.switchboard;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Start-up settings, read from SWITCHBOARD_* variables and overridden by matching {@code serve} flags. */
public record Config(
    int httpPort,
    Path dataDir,
    String dbUrl,
    String dbUser,
    String dbPassword,
    String adminToken,
    String secretKey,
    long maxBodyBytes,
    boolean webhookAllowPrivate,
    String llmBaseUrl,
    String llmApiKey,
    String llmModel,
    String logFormat,
    boolean demo,
    int workerConcurrency,
    int logRetentionDays) {

  public static final class Invalid extends RuntimeException {
    public Invalid(String message) { super(message); }
  }

  public boolean embedded() { return dbUrl == null || dbUrl.isBlank(); }

  /** Flags are {@code --http-port 8080} or {@code --http-port=8080}; each maps to SWITCHBOARD_HTTP_PORT. */
  public static Config load(Map<String, String> env, List<String> flags) {
    Map<String, String> values = new HashMap<>(env);
    for (int i = 0; i < flags.size(); i++) {
      String flag = flags.get(i);
      if (!flag.startsWith("--")) throw new Invalid("unexpected argument '" + flag + "'");
      String name = flag.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < flags.size()) {
        value = flags.get(++i);
      } else {
        throw new Invalid("flag --" + name + " needs a value");
      }
      String variable = "SWITCHBOARD_" + name.toUpperCase().replace('-', '_');
      if (!KNOWN.contains(variable)) throw new Invalid("unknown flag --" + name);
      values.put(variable, value);
    }
    return new Config(
        intValue(values, "SWITCHBOARD_HTTP_PORT", 8080, 0, 65535),
        Path.of(text(values, "SWITCHBOARD_DATA_DIR", "./data")),
        dbUrl(values),
        text(values, "SWITCHBOARD_DB_USER", null),
        text(values, "SWITCHBOARD_DB_PASSWORD", null),
        text(values, "SWITCHBOARD_ADMIN_TOKEN", null),
        text(values, "SWITCHBOARD_SECRET_KEY", null),
        intValue(values, "SWITCHBOARD_MAX_BODY_BYTES", 1 << 20, 1024, Integer.MAX_VALUE),
        bool(values, "SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE", false),
        url(values, "SWITCHBOARD_LLM_BASE_URL"),
        text(values, "SWITCHBOARD_LLM_API_KEY", null),
        text(values, "SWITCHBOARD_LLM_MODEL", null),
        oneOf(values, "SWITCHBOARD_LOG_FORMAT", "text", List.of("text", "json")),
        bool(values, "SWITCHBOARD_DEMO", true),
        intValue(values, "SWITCHBOARD_WORKER_CONCURRENCY", 64, 1, 4096),
        intValue(values, "SWITCHBOARD_LOG_RETENTION_DAYS", 0, 0, 36_500));
  }

  static final List<String> KNOWN = List.of(
      "SWITCHBOARD_HTTP_PORT", "SWITCHBOARD_DATA_DIR", "SWITCHBOARD_DB_URL", "SWITCHBOARD_DB_USER",
      "SWITCHBOARD_DB_PASSWORD", "SWITCHBOARD_ADMIN_TOKEN", "SWITCHBOARD_SECRET_KEY", "SWITCHBOARD_MAX_BODY_BYTES",
      "SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE", "SWITCHBOARD_LLM_BASE_URL", "SWITCHBOARD_LLM_API_KEY",
      "SWITCHBOARD_LLM_MODEL", "SWITCHBOARD_LOG_FORMAT", "SWITCHBOARD_DEMO", "SWITCHBOARD_WORKER_CONCURRENCY",
      "SWITCHBOARD_LOG_RETENTION_DAYS");

  private static String text(Map<String, String> v, String name, String fallback) {
    String value = v.get(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private static int intValue(Map<String, String> v, String name, int fallback, int min, int max) {
    String value = text(v, name, null);
    if (value == null) return fallback;
    try {
      long parsed = Long.parseLong(value);
      if (parsed < min || parsed > max) throw new Invalid(name + " must be between " + min + " and " + max + ", got '" + value + "'");
      return (int) parsed;
    } catch (NumberFormatException e) {
      throw new Invalid(name + " must be a whole number, got '" + value + "'");
    }
  }

  private static boolean bool(Map<String, String> v, String name, boolean fallback) {
    String value = text(v, name, null);
    if (value == null) return fallback;
    return switch (value.toLowerCase()) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new Invalid(name + " must be true or false, got '" + value + "'");
    };
  }

  private static String oneOf(Map<String, String> v, String name, String fallback, List<String> allowed) {
    String value = text(v, name, fallback).toLowerCase();
    if (!allowed.contains(value)) throw new Invalid(name + " must be one of " + allowed + ", got '" + value + "'");
    return value;
  }

  private static String url(Map<String, String> v, String name) {
    String value = text(v, name, null);
    if (value == null) return null;
    if (!value.startsWith("http://") && !value.startsWith("https://")) {
      throw new Invalid(name + " must be an http:// or https:// URL, got '" + value + "'");
    }
    return value;
  }

  private static String dbUrl(Map<String, String> v) {
    String value = text(v, "SWITCHBOARD_DB_URL", null);
    if (value == null) return null;
    if (!value.startsWith("jdbc:postgresql://")) {
      throw new Invalid("SWITCHBOARD_DB_URL must be empty (embedded database) or a jdbc:postgresql:// URL");
    }
    return value;
  }
}
