package org.switchboard.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.switchboard.model.Json;

/**
 * A client for OpenAI-compatible chat completions (OpenAI, Ollama, vLLM, llama.cpp's server): one POST to
 * {@code <base>/chat/completions} with messages and tools. The base URL is the operator's, so the private-address
 * policy does not apply (a local Ollama is the common case).
 */
public final class LanguageModel {
  public record Settings(String baseUrl, String apiKey, String model) {
    public boolean configured() { return baseUrl != null && model != null; }
  }

  /** The model's reply: the assistant message (content and/or tool_calls) and the usage it reported. */
  public record Reply(ObjectNode message, JsonNode usage, long durationMs) {}

  public static final class Failed extends Exception {
    public Failed(String message) { super(message, null, false, false); }
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private final Settings settings;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
      .followRedirects(HttpClient.Redirect.NEVER).build();

  public LanguageModel(Settings settings) { this.settings = settings; }

  public Settings settings() { return settings; }

  public Reply complete(String model, ArrayNode messages, ArrayNode tools) throws Failed {
    ObjectNode request = Json.object().put("model", model);
    request.set("messages", messages);
    if (tools != null && !tools.isEmpty()) request.set("tools", tools);
    String url = settings.baseUrl().replaceAll("/+$", "") + "/chat/completions";
    HttpRequest.Builder http = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(request)));
    if (settings.apiKey() != null) http.header("Authorization", "Bearer " + settings.apiKey());
    long start = System.nanoTime();
    HttpResponse<String> response;
    try {
      response = client.send(http.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new Failed("the language model at " + url + " did not answer: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failed("interrupted while waiting for the language model");
    }
    long took = (System.nanoTime() - start) / 1_000_000;
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new Failed("the language model answered " + response.statusCode() + " with a body that is not JSON");
    }
    if (response.statusCode() / 100 != 2) {
      String detail = body.path("error").path("message").asText(body.path("error").asText(response.body()));
      throw new Failed("the language model answered " + response.statusCode() + ": " + detail);
    }
    JsonNode message = body.path("choices").path(0).path("message");
    if (!message.isObject()) throw new Failed("the language model's answer has no choices[0].message");
    return new Reply((ObjectNode) message, body.path("usage"), took);
  }
}
