package org.switchboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.switchboard.model.Json;
import org.switchboard.support.SseClient;

/** The project-wide live streams: SSE with Last-Event-ID resume, and the WebSocket fan-out. */
class LiveFeedTest extends DeliveryTestBase {

  @Test
  void sseCarriesEveryTopicAndResumesWithoutGapOrRepeat() throws Exception {
    String key = app.apiKey(project, "project.read");
    String url = app.admin.base() + "/v1/projects/" + project + "/stream";
    List<Long> seqs = new ArrayList<>();
    List<String> topics = new ArrayList<>();
    try (SseClient sse = new SseClient(url, key, null)) {
      assertThat(sse.status()).isEqualTo(200);
      fire(Map.of("n", 1), null);
      for (int i = 0; i < 3; i++) {
        SseClient.Frame f = sse.next(10_000);
        assertThat(f).as("frame " + i).isNotNull();
        seqs.add(Long.parseLong(f.id()));
        topics.add(f.event());
        assertThat(f.data().get("type").asText()).isEqualTo(f.event());
      }
    }
    assertThat(topics).containsExactly("conversation.started", "message.created", "event.completed");
    assertThat(seqs).isSorted().doesNotHaveDuplicates();
    fire(Map.of("n", 2), null);
    try (SseClient resumed = new SseClient(url, key, String.valueOf(seqs.get(1)))) {
      List<Long> more = new ArrayList<>();
      for (int i = 0; i < 4; i++) more.add(Long.parseLong(resumed.next(10_000).id()));
      assertThat(more.get(0)).isEqualTo(seqs.get(2));
      for (int i = 1; i < more.size(); i++) assertThat(more.get(i)).isEqualTo(more.get(i - 1) + 1);
    }
    try (SseClient onlyMessages = new SseClient(url + "?topics=message.created&after=0", key, null)) {
      assertThat(onlyMessages.next(10_000).event()).isEqualTo("message.created");
      assertThat(onlyMessages.next(10_000).event()).isEqualTo("message.created");
      assertThat(onlyMessages.next(300)).isNull();
    }
  }

  @Test
  void webSocketFansOutNotificationsAndRefusesStrangers() throws Exception {
    String key = app.apiKey(project, "project.read");
    String base = app.admin.base().replace("http://", "ws://") + "/v1/projects/" + project + "/ws";
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    WebSocket.Listener listener = new WebSocket.Listener() {
      private final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          received.add(partial.toString());
          partial.setLength(0);
        }
        ws.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
        closed.complete(status);
        return null;
      }
    };
    HttpClient client = HttpClient.newHttpClient();
    WebSocket ws = client.newWebSocketBuilder().buildAsync(URI.create(base + "?api_key=" + key), listener).get(10, TimeUnit.SECONDS);
    Thread.sleep(200);
    fire(Map.of("n", 7), null);
    List<String> topics = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String text = received.poll(10, TimeUnit.SECONDS);
      assertThat(text).as("notification " + i).isNotNull();
      JsonNode message = Json.read(text);
      assertThat(message.get("seq").asLong()).isPositive();
      topics.add(message.get("notification").get("type").asText());
    }
    assertThat(topics).contains("message.created");
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);

    CompletableFuture<Integer> refused = new CompletableFuture<>();
    client.newWebSocketBuilder().buildAsync(URI.create(base + "?api_key=wrong"), new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
        refused.complete(status);
        return null;
      }
    }).get(10, TimeUnit.SECONDS);
    assertThat(refused.get(10, TimeUnit.SECONDS)).isEqualTo(4401);
    String stranger = app.apiKey(app.project("stranger"), "project.admin");
    CompletableFuture<Integer> forbidden = new CompletableFuture<>();
    client.newWebSocketBuilder().buildAsync(URI.create(base + "?api_key=" + stranger), new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
        forbidden.complete(status);
        return null;
      }
    }).get(10, TimeUnit.SECONDS);
    assertThat(forbidden.get(10, TimeUnit.SECONDS)).isEqualTo(4403);
    client.shutdownNow();
  }
}
