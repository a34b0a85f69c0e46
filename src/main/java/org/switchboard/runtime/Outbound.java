package org.switchboard.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.switchboard.model.Json;
import org.switchboard.net.SafeHttp;

/** HTTP calls made by flows (http steps and skills), through {@link SafeHttp}: bounded, no redirects, no private targets. */
public final class Outbound {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);

  /** What a call returned; {@code body} is parsed JSON when the response says JSON. */
  public record Result(int status, ObjectNode headers, JsonNode body, long durationMs) {
    public boolean ok() { return status >= 200 && status < 300; }

    public ObjectNode json() {
      ObjectNode node = Json.object().put("status", status);
      node.set("headers", headers);
      node.set("body", body);
      return node;
    }
  }

  /** A network error, a timeout or a refused address. */
  public static final class CallFailed extends Exception {
    public CallFailed(String message) { super(message, null, false, false); }
  }

  private final SafeHttp http;

  public Outbound(SafeHttp http) { this.http = http; }

  public Result call(String method, String url, Map<String, String> headers, JsonNode body, Duration timeout)
      throws CallFailed {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new CallFailed("not a URL: " + url);
    }
    Map<String, String> allHeaders = new LinkedHashMap<>(headers);
    byte[] bytes = null;
    if (body != null && !body.isNull() && !body.isMissingNode()) {
      boolean text = body.isTextual();
      bytes = (text ? body.asText() : Json.write(body)).getBytes(StandardCharsets.UTF_8);
      if (allHeaders.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("content-type"))) {
        allHeaders.put("Content-Type", text ? "text/plain; charset=utf-8" : "application/json");
      }
    }
    try {
      SafeHttp.Response r = http.send(method, uri, allHeaders, bytes, timeout.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : timeout);
      ObjectNode responseHeaders = Json.object();
      r.headers().forEach((k, v) -> {
        if (!v.isEmpty() && !k.startsWith(":")) responseHeaders.put(k.toLowerCase(Locale.ROOT), v.get(0));
      });
      return new Result(r.status(), responseHeaders, parse(r.body(), String.valueOf(r.header("content-type"))), r.durationMs());
    } catch (SafeHttp.Failed e) {
      throw new CallFailed(method + " " + url + ": " + e.getMessage());
    }
  }

  private static JsonNode parse(byte[] bytes, String contentType) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (contentType.toLowerCase(Locale.ROOT).contains("json")) {
      try {
        return Json.MAPPER.readTree(text);
      } catch (IOException notJson) {
        // keep the text
      }
    }
    return Json.tree(text);
  }
}
