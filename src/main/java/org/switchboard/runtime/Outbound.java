package org.switchboard.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.switchboard.model.Json;
import org.switchboard.net.AddressPolicy;

/** HTTP calls made by flows (http steps and skills): bounded in time and size, no redirects, address policy. */
public final class Outbound {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);
  private static final int MAX_RESPONSE_BYTES = 1 << 20;

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

  /** A network error, a timeout or a refused address; {@code result} is null when there was no response. */
  public static final class CallFailed extends Exception {
    public final Result result;

    public CallFailed(String message, Result result) {
      super(message, null, false, false);
      this.result = result;
    }
  }

  private final HttpClient client;
  private final AddressPolicy policy;

  public Outbound(AddressPolicy policy) {
    this.policy = policy;
    this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  public Result call(String method, String url, Map<String, String> headers, JsonNode body, Duration timeout)
      throws CallFailed {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new CallFailed("not a URL: " + url, null);
    }
    try {
      policy.check(uri);
    } catch (AddressPolicy.Refused e) {
      throw new CallFailed(e.getMessage(), null);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : timeout);
    boolean hasType = false;
    for (Map.Entry<String, String> h : headers.entrySet()) {
      try {
        request.header(h.getKey(), h.getValue());
      } catch (IllegalArgumentException e) {
        throw new CallFailed("header '" + h.getKey() + "' cannot be sent: " + e.getMessage(), null);
      }
      hasType |= h.getKey().equalsIgnoreCase("content-type");
    }
    HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.noBody();
    if (body != null && !body.isNull() && !body.isMissingNode()) {
      boolean text = body.isTextual();
      publisher = HttpRequest.BodyPublishers.ofString(text ? body.asText() : Json.write(body));
      if (!hasType) request.header("Content-Type", text ? "text/plain; charset=utf-8" : "application/json");
    }
    request.method(method.toUpperCase(Locale.ROOT), publisher);
    long start = System.nanoTime();
    try {
      HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      long took = (System.nanoTime() - start) / 1_000_000;
      ObjectNode responseHeaders = Json.object();
      response.headers().map().forEach((k, v) -> {
        if (!v.isEmpty() && !k.startsWith(":")) responseHeaders.put(k.toLowerCase(Locale.ROOT), v.get(0));
      });
      JsonNode parsed = parse(response.body(), response.headers().firstValue("content-type").orElse(""));
      return new Result(response.statusCode(), responseHeaders, parsed, took);
    } catch (HttpTimeoutException e) {
      throw new CallFailed(method + " " + url + " timed out", null);
    } catch (IOException e) {
      throw new CallFailed(method + " " + url + " failed: " + e, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CallFailed(method + " " + url + " was interrupted", null);
    }
  }

  private static JsonNode parse(byte[] bytes, String contentType) {
    int length = Math.min(bytes.length, MAX_RESPONSE_BYTES);
    String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
    if (contentType.toLowerCase(Locale.ROOT).contains("json") && length == bytes.length) {
      try {
        return Json.MAPPER.readTree(text);
      } catch (IOException notJson) {
        // fall through: keep the text
      }
    }
    return Json.tree(text);
  }
}
