package org.switchboard;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.switchboard.model.Json;

/**
 * {@code switchboard rehearse}: a start, the demo trigger fired once over loopback, and a stop, on a scratch
 * directory. The launcher runs it under {@code -XX:ArchiveClassesAtExit} to write the start-up archive, so no
 * serving process ever runs in the JVM's archive-dumping mode (docs/decisions.md, "A start-up archive of the jar's
 * classes").
 */
final class Rehearsal {
  private Rehearsal() {}

  static void run() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("switchboard-rehearsal");
    try {
      // The environment is left out: a rehearsal never touches the operator's database or port.
      Config config = Config.load(Map.of(), List.of("--http-port", "0", "--data-dir", dir.toString(), "--demo", "false"));
      PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
      try (App app = App.start(config, quiet); HttpClient client = HttpClient.newHttpClient()) {
        Demo.Created demo = Demo.create(app.core(), quiet, app.port());
        String base = "http://127.0.0.1:" + app.port();
        JsonNode answer = call(client, HttpRequest.newBuilder(URI.create(base + "/v1/triggers/" + demo.triggerId() + "/events"))
            .header("Authorization", "Bearer " + demo.triggerSecret()).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"message\": \"rehearsal\"}")));
        if (!"completed".equals(answer.path("status").asText())) {
          throw new IllegalStateException("the demo trigger answered " + answer);
        }
        call(client, HttpRequest.newBuilder(URI.create(base + "/v1/conversations/" + answer.path("conversationId").asText()
            + "/messages")).header("Authorization", "Bearer " + demo.readerKey()).GET());
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private static JsonNode call(HttpClient client, HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(request.build().uri().getPath() + " answered " + response.statusCode() + ": " + response.body());
    }
    return Json.read(response.body());
  }
}
