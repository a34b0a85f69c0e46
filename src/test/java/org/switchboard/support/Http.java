package org.switchboard.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.switchboard.model.Json;

/** A small real HTTP client for tests, on loopback. */
public final class Http {
  public record Response(int status, HttpResponse<String> raw) {
    public JsonNode json() {
      try {
        return raw.body().isEmpty() ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(raw.body());
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + raw.body(), e);
      }
    }

    public String body() { return raw.body(); }

    public String header(String name) { return raw.headers().firstValue(name).orElse(null); }

    public String contentType() { return header("content-type"); }

    @Override
    public String toString() { return status + " " + raw.body(); }
  }

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1).build();
  private final String base;
  private final String token;

  public Http(String base, String token) {
    this.base = base;
    this.token = token;
  }

  public String base() { return base; }

  /** Sends a request line as is over a plain socket, for paths java.net.URI refuses to build. */
  public String raw(String method, String rawPath) {
    URI uri = URI.create(base);
    try (var socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(10_000);
      String request = method + " " + rawPath + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  public Http as(String otherToken) { return new Http(base, otherToken); }

  public Response get(String path) { return send("GET", path, null, Map.of()); }

  public Response delete(String path) { return send("DELETE", path, null, Map.of()); }

  public Response post(String path, Object body) { return send("POST", path, body, Map.of()); }

  public Response put(String path, Object body) { return send("PUT", path, body, Map.of()); }

  public Response patch(String path, Object body) { return send("PATCH", path, body, Map.of()); }

  /** {@code body}: null (no body), a String or byte[] sent as is, or anything else as JSON. */
  public Response send(String method, String path, Object body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (token != null) b.header("Authorization", "Bearer " + token);
    boolean hasType = headers.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("content-type"));
    headers.forEach(b::header);
    HttpRequest.BodyPublisher publisher;
    if (body == null) {
      publisher = HttpRequest.BodyPublishers.noBody();
    } else if (body instanceof byte[] bytes) {
      publisher = HttpRequest.BodyPublishers.ofByteArray(bytes);
    } else if (body instanceof String s) {
      publisher = HttpRequest.BodyPublishers.ofString(s);
      if (!hasType) b.header("Content-Type", "application/json");
    } else {
      publisher = HttpRequest.BodyPublishers.ofString(Json.write(body));
      if (!hasType) b.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> raw = CLIENT.send(b.method(method, publisher).build(), HttpResponse.BodyHandlers.ofString());
      return new Response(raw.statusCode(), raw);
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
