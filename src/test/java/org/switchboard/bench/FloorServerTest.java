package org.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchboard.model.Json;

/** The bench's floor answers as a durable ingest does: 202 only for a stored event, 401 without its secret. */
class FloorServerTest {
  @TempDir
  Path dir;

  @Test
  void storesOneRowPerAcceptedEventAndRefusesAWrongSecret() throws Exception {
    try (Floor floor = Floor.start(List.of("-Xmx128m"), dir, null)) {
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> accepted = client.send(post(floor, "Bearer " + FloorServer.SECRET, "{\"n\": 1}"),
          HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> refused = client.send(post(floor, "Bearer not-the-secret", "{\"n\": 2}"),
          HttpResponse.BodyHandlers.ofString());

      assertThat(accepted.statusCode()).isEqualTo(202);
      assertThat(Json.read(accepted.body()).get("eventId").asText()).startsWith("evt_");
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(floor.stored()).isEqualTo(1);
    }
  }

  private static HttpRequest post(Floor floor, String authorization, String body) {
    return HttpRequest.newBuilder(URI.create(floor.url())).header("Authorization", authorization)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }
}
