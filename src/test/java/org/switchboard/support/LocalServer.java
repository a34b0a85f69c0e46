package org.switchboard.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.switchboard.model.Json;

/** A real HTTP server on 127.0.0.1 whose answers the test scripts, and which records every request it got. */
public final class LocalServer implements AutoCloseable {
  public record Request(String method, String path, String query, com.sun.net.httpserver.Headers headers, String body) {
    public JsonNode json() { return Json.read(body); }
  }

  public record Answer(int status, String contentType, String body, long delayMs, java.util.Map<String, String> headers) {
    public Answer(int status, String contentType, String body, long delayMs) {
      this(status, contentType, body, delayMs, java.util.Map.of());
    }

    public static Answer json(int status, Object body) {
      return new Answer(status, "application/json", body == null ? null : body instanceof String s ? s : Json.write(body), 0);
    }
  }

  @FunctionalInterface
  public interface Script {
    Answer answer(Request request) throws Exception;
  }

  private final HttpServer server;
  public final List<Request> requests = new CopyOnWriteArrayList<>();

  public LocalServer(Script script) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", exchange -> handle(exchange, script));
    server.start();
  }

  private void handle(HttpExchange exchange, Script script) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body);
      requests.add(request);
      Answer answer = script.answer(request);
      if (answer.delayMs() > 0) Thread.sleep(answer.delayMs());
      byte[] bytes = answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
      if (answer.contentType() != null) exchange.getResponseHeaders().add("Content-Type", answer.contentType());
      answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) exchange.getResponseBody().write(bytes);
    } catch (Exception e) {
      exchange.sendResponseHeaders(500, -1);
    }
  }

  public String url() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

  @Override
  public void close() { server.stop(0); }
}
