package org.switchboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchboard.model.Json;
import org.switchboard.support.SseClient;
import org.switchboard.support.WsClient;

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
    try (WsClient ws = new WsClient(base + "?api_key=" + key)) {
      Thread.sleep(200);
      fire(Map.of("n", 7), null);
      List<String> topics = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String text = ws.next(10_000);
        assertThat(text).as("notification " + i).isNotNull();
        JsonNode message = Json.read(text);
        assertThat(message.get("seq").asLong()).isPositive();
        topics.add(message.get("notification").get("type").asText());
      }
      assertThat(topics).contains("message.created");
    }
    try (WsClient refused = new WsClient(base + "?api_key=wrong")) {
      assertThat(refused.closeStatus()).isEqualTo(4401);
    }
    String stranger = app.apiKey(app.project("stranger"), "project.admin");
    try (WsClient forbidden = new WsClient(base + "?api_key=" + stranger)) {
      assertThat(forbidden.closeStatus()).isEqualTo(4403);
    }
    var plain = app.admin.as(key).get("/v1/projects/" + project + "/ws");
    assertThat(plain.status()).as("a plain GET of the socket's address").isEqualTo(426);
    assertThat(plain.contentType()).startsWith("application/problem+json");
    assertThat(plain.header("Upgrade")).isEqualTo("websocket");
  }

  @Test
  void aStartThatIsNoSeqIsRefusedNamingWhatWasSent() {
    String stream = "/v1/projects/" + project + "/stream";
    var byQuery = app.admin.get(stream + "?after=abc");
    assertThat(byQuery.status()).isEqualTo(400);
    assertThat(byQuery.json().get("detail").asText()).isEqualTo("after must be a notification seq (a whole number from 0)");
    var byHeader = app.admin.send("GET", stream, null, Map.of("Last-Event-ID", "-1"));
    assertThat(byHeader.status()).isEqualTo(400);
    assertThat(byHeader.json().get("detail").asText()).startsWith("Last-Event-ID must be a notification seq");
    String conversation = fire(Map.of("n", 3), null).get("conversationId").asText();
    var ofConversation = app.admin.get("/v1/conversations/" + conversation + "/stream?after=x");
    assertThat(ofConversation.status()).isEqualTo(400);
    assertThat(ofConversation.json().get("detail").asText()).startsWith("after must be a message seq");
  }
}
