package org.switchboard.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.switchboard.model.Json;

/** A real Server-Sent Events client: parses id/event/data frames into a queue. */
public final class SseClient implements AutoCloseable {
  public record Frame(String id, String event, JsonNode data) {}

  private final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<HttpResponse<Stream<String>>> response;
  private final HttpClient client = HttpClient.newHttpClient();
  private volatile Stream<String> lines;

  public SseClient(String url, String token, String lastEventId) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (lastEventId != null) b.header("Last-Event-ID", lastEventId);
    response = client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines());
    response.thenAcceptAsync(r -> {
      lines = r.body();
      String[] id = {null};
      String[] event = {null};
      StringBuilder data = new StringBuilder();
      try {
        lines.forEach(line -> {
          if (line.isEmpty()) {
            if (!data.isEmpty()) frames.add(new Frame(id[0], event[0], Json.read(data.toString())));
            data.setLength(0);
            event[0] = null;
          } else if (line.startsWith("id:")) {
            id[0] = line.substring(3).trim();
          } else if (line.startsWith("event:")) {
            event[0] = line.substring(6).trim();
          } else if (line.startsWith("data:")) {
            data.append(line.substring(5).trim());
          }
        });
      } catch (RuntimeException closed) {
        // stream closed by the test
      }
    });
  }

  public int status() throws Exception { return response.get(10, TimeUnit.SECONDS).statusCode(); }

  public Frame next(long timeoutMs) throws InterruptedException {
    return frames.poll(timeoutMs, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    if (lines != null) lines.close();
    response.cancel(true);
    client.shutdownNow();
  }
}
