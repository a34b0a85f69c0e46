package org.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.DriverManager;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.switchboard.support.Cluster;
import org.switchboard.support.Fixtures;
import org.switchboard.support.Http;
import org.switchboard.support.LocalServer;
import org.switchboard.support.SseClient;
import org.switchboard.support.TestApp;
import org.switchboard.support.WsClient;

/**
 * Three real server processes on one PostgreSQL: any node takes any call, work is shared without being done
 * twice, order and exactly-once hold across nodes, streams hear other nodes, and limits are shared. The faults
 * (kill -9 of a node, a PostgreSQL restart, a PostgreSQL crash) come last.
 */
@Tag("multinode")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiNodeIT {
  static Cluster cluster;
  static LocalServer receiver;

  @BeforeAll
  static void start() throws Exception {
    receiver = new LocalServer(r -> LocalServer.Answer.json(200, Map.of("ok", true)));
    cluster = Cluster.start(3);
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
    receiver.close();
  }

  private static Http node(int i) { return cluster.admin(i); }

  /** A new project with the echo bot and a trigger with these fields. */
  private static JsonNode echoTrigger(String name, Map<String, Object> fields) {
    String project = Fixtures.project(node(0), name);
    return Fixtures.trigger(node(0), project, Fixtures.bot(node(0), project, TestApp.ECHO), fields);
  }

  @Test
  @Order(1)
  void anyNodeAcceptsAnyCall() {
    String project = Fixtures.project(node(0), "any-node");
    String bot = Fixtures.bot(node(1), project, TestApp.ECHO);
    JsonNode trigger = Fixtures.trigger(node(2), project, bot, Map.of("waitForResponse", true));
    String path = "/v1/triggers/" + trigger.get("id").asText() + "/events";
    for (int i = 0; i < 3; i++) {
      var r = node(i).as(trigger.get("secret").asText()).post(path, Map.of("n", i));
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      assertThat(r.json().get("messages").get(0).get("payload").get("text").asText()).isEqualTo("echo " + i);
      String eventId = r.json().get("eventId").asText();
      assertThat(node(i + 1).get("/v1/events/" + eventId).json().get("status").asText()).isEqualTo("completed");
    }
    // A change made on one node holds on the others within the catalog's freshness (1 s).
    assertThat(node(1).patch("/v1/triggers/" + trigger.get("id").asText(), Map.of("status", "paused")).status()).isEqualTo(200);
    TestApp.eventually(3_000, () -> node(0).as(trigger.get("secret").asText()).post(path, Map.of()).status() == 404,
        "the pause seen by another node");
  }

  @Test
  @Order(2)
  void eachEventRunsOnceAndEachConversationKeepsItsOrderAcrossNodes() throws Exception {
    JsonNode trigger = echoTrigger("order", Map.of("sessionDurationSeconds", 3600));
    String path = "/v1/triggers/" + trigger.get("id").asText() + "/events";
    int sessions = 6;
    int perSession = 20;
    Map<Integer, String> conversations = new ConcurrentHashMap<>();
    ExecutorService senders = Executors.newFixedThreadPool(sessions);
    for (int s = 0; s < sessions; s++) {
      int session = s;
      senders.execute(() -> {
        for (int n = 0; n < perSession; n++) {
          // Each event goes to the next node; the next one is sent only after the last was acknowledged.
          var r = node(session + n).as(trigger.get("secret").asText()).post(path + "?session=s" + session, Map.of("n", n));
          assertThat(r.status()).as(r.toString()).isEqualTo(202);
          conversations.putIfAbsent(session, r.json().get("conversationId").asText());
        }
      });
    }
    senders.shutdown();
    assertThat(senders.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    assertThat(conversations).hasSize(sessions);
    List<String> expected = new ArrayList<>();
    for (int n = 0; n < perSession; n++) expected.add("echo " + n);
    for (String conversation : conversations.values()) {
      TestApp.eventually(30_000, () -> botTexts(node(2), conversation).size() >= perSession, "replies in " + conversation);
      assertThat(botTexts(node(1), conversation)).as("replies of " + conversation).isEqualTo(expected);
    }
  }

  private static List<String> botTexts(Http h, String conversation) {
    List<String> texts = new ArrayList<>();
    for (JsonNode m : h.get("/v1/conversations/" + conversation + "/messages?limit=100").json().get("items")) {
      if (m.get("role").asText().equals("bot")) texts.add(m.get("payload").get("text").asText());
    }
    return texts;
  }

  @Test
  @Order(3)
  void streamsOnOneNodeCarryWorkCommittedOnAnother() throws Exception {
    JsonNode trigger = echoTrigger("streams", Map.of());
    String project = trigger.get("projectId").asText();
    String key = Fixtures.apiKey(node(0), project, "project.read");
    String ws = node(1).base().replace("http://", "ws://") + "/v1/projects/" + project + "/ws?api_key=" + key;
    try (SseClient sse = new SseClient(node(2).base() + "/v1/projects/" + project + "/stream?topics=message.created", key, null);
         WsClient socket = new WsClient(ws)) {
      assertThat(sse.status()).isEqualTo(200);
      Thread.sleep(300);
      long sent = System.nanoTime();
      var r = node(0).as(trigger.get("secret").asText()).post("/v1/triggers/" + trigger.get("id").asText() + "/events",
          Map.of("n", 42));
      assertThat(r.status()).isEqualTo(202);
      // Well under the streams' 15 s idle wait: the other nodes were told, not left to find out.
      SseClient.Frame frame = sse.next(5_000);
      assertThat(frame).as("SSE on another node").isNotNull();
      assertThat(frame.data().get("data").get("message").get("payload").get("text").asText()).isEqualTo("echo 42");
      String text = null;
      for (int i = 0; i < 3 && (text == null || !text.contains("message.created")); i++) text = socket.next(5_000);
      assertThat(text).as("WebSocket on another node").contains("echo 42");
      System.out.println("cross-node stream latency: " + (System.nanoTime() - sent) / 1_000_000 + " ms");
    }
  }

  @Test
  @Order(4)
  void schedulesTimersAndDeliveriesRunExactlyOnce() throws Exception {
    String project = Fixtures.project(node(0), "once");
    receiver.requests.clear();
    assertThat(node(1).post("/v1/projects/" + project + "/subscriptions",
        Map.of("url", receiver.url() + "/once", "topics", List.of("message.created"))).status()).isEqualTo(201);
    String scheduled = Fixtures.bot(node(0), project, """
        on: { trigger: { "*": main } }
        nodes:
          main: [ { say: "slot {{event.payload.n}}" } ]
        """);
    String waiting = Fixtures.bot(node(0), project, """
        on: { trigger: { "*": main } }
        nodes:
          main: [ { set: { n: "event.payload.n" } }, { wait: 1s }, { say: "woke {{vars.n}}" } ]
        """);
    String at = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.SECONDS).toString();
    List<String> schedules = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      schedules.add(Fixtures.trigger(node(i), project, scheduled,
          Map.of("schedule", Map.of("cron", at, "payload", Map.of("n", i)))).get("id").asText());
    }
    JsonNode waitTrigger = Fixtures.trigger(node(0), project, waiting, Map.of());
    for (int i = 0; i < 10; i++) {
      assertThat(node(i).as(waitTrigger.get("secret").asText())
          .post("/v1/triggers/" + waitTrigger.get("id").asText() + "/events", Map.of("n", i)).status()).isEqualTo(202);
    }
    TestApp.eventually(30_000, () -> receiver.requests.size() >= 20, "20 deliveries");
    Thread.sleep(3_000); // time for a second run of anything, were there one
    for (String id : schedules) {
      JsonNode events = node(2).get("/v1/projects/" + project + "/events?triggerId=" + id).json().get("items");
      assertThat(events).as("events of schedule " + id).hasSize(1);
    }
    Map<String, Long> texts = receiver.requests.stream().collect(Collectors.groupingBy(
        r -> r.json().get("data").get("message").get("payload").get("text").asText(), Collectors.counting()));
    for (int i = 0; i < 10; i++) {
      assertThat(texts.get("slot " + i)).as("slot " + i + " in " + texts).isEqualTo(1L);
      assertThat(texts.get("woke " + i)).as("woke " + i + " in " + texts).isEqualTo(1L);
    }
    Set<String> webhookIds = receiver.requests.stream().map(r -> r.headers().getFirst("webhook-id")).collect(Collectors.toSet());
    assertThat(webhookIds).as("each delivery sent once").hasSize(receiver.requests.size()).hasSize(20);
  }

  @Test
  @Order(5)
  void rateLimitsAreSharedByTheNodes() throws Exception {
    String project = echoTrigger("limits", Map.of("key", "limited")).get("projectId").asText();
    String key = Fixtures.apiKey(node(0), project, "project.trigger");
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger limited = new AtomicInteger();
    ExecutorService callers = Executors.newFixedThreadPool(6);
    for (int t = 0; t < 6; t++) {
      int thread = t;
      callers.execute(() -> {
        for (int n = 0; n < 100; n++) {
          var r = node(thread).as(null).send("POST", "/api/v1.0/project/" + project + "/trigger/limited", Map.of("n", n),
              Map.of("x-api-key", key));
          if (r.status() == 202) accepted.incrementAndGet();
          else if (r.status() == 429 && r.header("retry-after") != null) limited.incrementAndGet();
        }
      });
    }
    callers.shutdown();
    assertThat(callers.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
    // 512 a minute per key, counted together: each node alone would have let all 600 in. The sliding window may
    // let a few more in when a minute turns during the run.
    assertThat(accepted.get()).isBetween(512, 530);
    assertThat(accepted.get() + limited.get()).isEqualTo(600);
  }

  @Test
  @Order(6)
  void aNodeKilledUnderLoadLosesNothingAndItsLeasesAreTakenOver() throws Exception {
    String project = Fixtures.project(node(0), "kill");
    String bot = Fixtures.bot(node(0), project, """
        on: { trigger: { "*": main } }
        nodes:
          main: [ { wait: 1s }, { say: "done {{event.payload.n}}" } ]
        """);
    JsonNode trigger = Fixtures.trigger(node(0), project, bot, Map.of());
    Load load = new Load(trigger, i -> node(i));
    Thread.sleep(1_500);
    cluster.node(2).kill();
    long killedAt = System.currentTimeMillis();
    Thread.sleep(1_000);
    Set<String> acknowledged = load.stop();
    assertThat(acknowledged).hasSizeGreaterThan(30);
    // Leases last 30 s; the dead node's work is taken over when they run out.
    TestApp.eventually(45_000, () -> completed(node(0), acknowledged), "every acknowledged event completed");
    long after = System.currentTimeMillis() - killedAt;
    System.out.println("kill -9: " + acknowledged.size() + " events, all completed " + after + " ms after the kill");
    assertThat(after).as("the lease time (30 s), the wait step and the polls").isLessThan(40_000);
    assertThat(load.serverErrors.get()).as("5xx from the surviving nodes").isZero();
    cluster.restartNode(2);
  }

  @Test
  @Order(7)
  void aPostgresRestartUnderLoadIsSurvived() throws Exception {
    JsonNode trigger = echoTrigger("restart", Map.of());
    String key = Fixtures.apiKey(node(0), trigger.get("projectId").asText(), "project.conversation");
    Load load = new Load(trigger, i -> node(i));
    Thread.sleep(1_000);
    cluster.stopPostgres();
    for (int i = 0; i < cluster.size(); i++) {
      int n = i;
      long asked = System.nanoTime();
      TestApp.eventually(10_000, () -> node(n).as(null).get("/readyz").status() == 503, "node " + n + " not ready");
      assertThat(System.nanoTime() - asked).as("a quick 503 from /readyz").isLessThan(3_000_000_000L);
    }
    // The dialects answer the outage in their own error shapes, with Retry-After, as the native API does.
    var chatbotkit = node(0).as(trigger.get("secret").asText())
        .post("/api/v1/integration/trigger/" + trigger.get("id").asText() + "/event", Map.of("n", -1));
    assertThat(chatbotkit.status()).as(chatbotkit.toString()).isEqualTo(503);
    assertThat(chatbotkit.json().get("code").asText()).isEqualTo("SERVICE_UNAVAILABLE");
    assertThat(chatbotkit.header("Retry-After")).isEqualTo("1");
    var chataibot = node(1).as(key).get("/api/v1/conversation/cnv_00000000000000000000000000/messages");
    assertThat(chataibot.status()).as(chataibot.toString()).isEqualTo(503);
    assertThat(chataibot.json().get("ok").asBoolean()).isFalse();
    assertThat(chataibot.header("Retry-After")).isEqualTo("1");
    Thread.sleep(2_000);
    cluster.startPostgres();
    for (int i = 0; i < cluster.size(); i++) {
      int n = i;
      TestApp.eventually(30_000, () -> node(n).as(null).get("/readyz").status() == 200, "node " + n + " ready again");
    }
    Thread.sleep(1_000);
    Set<String> acknowledged = load.stop();
    assertThat(load.unavailable.get()).as("503s while PostgreSQL was down").isPositive();
    assertThat(load.serverErrors.get()).as("5xx other than 503").isZero();
    TestApp.eventually(60_000, () -> completed(node(1), acknowledged), "every acknowledged event completed");
  }

  @Test
  @Order(8)
  void aPostgresCrashUnderLoadLosesNoAcknowledgedEvent() throws Exception {
    JsonNode trigger = echoTrigger("crash", Map.of());
    Load load = new Load(trigger, i -> node(i));
    Thread.sleep(1_500);
    cluster.crashPostgres(); // mid-load: commits are on their way when it dies
    cluster.startPostgres();
    for (int i = 0; i < cluster.size(); i++) {
      int n = i;
      TestApp.eventually(30_000, () -> node(n).as(null).get("/readyz").status() == 200, "node " + n + " ready again");
    }
    Set<String> acknowledged = load.stop();
    assertThat(acknowledged).hasSizeGreaterThan(50);
    assertThat(load.serverErrors.get()).as("5xx other than 503").isZero();
    Set<String> stored = new HashSet<>();
    try (var c = DriverManager.getConnection(cluster.jdbcUrl(), "postgres", "postgres");
         var q = c.prepareStatement("SELECT id FROM events WHERE id = ANY (?)")) {
      q.setArray(1, c.createArrayOf("text", acknowledged.toArray()));
      try (var rows = q.executeQuery()) {
        while (rows.next()) stored.add(rows.getString(1));
      }
    }
    Set<String> lost = new HashSet<>(acknowledged);
    lost.removeAll(stored);
    assertThat(lost).as("acknowledged before the crash, gone after its recovery").isEmpty();
    TestApp.eventually(60_000, () -> completed(node(1), acknowledged), "every acknowledged event completed");
  }

  private static boolean completed(Http h, Set<String> eventIds) {
    for (String id : eventIds) {
      var r = h.get("/v1/events/" + id);
      if (r.status() != 200 || !r.json().get("status").asText().equals("completed")) return false;
    }
    return true;
  }

  /** Callers on every node, each sending trigger events in turn until stopped. */
  private static final class Load {
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    final AtomicInteger unavailable = new AtomicInteger();
    final AtomicInteger serverErrors = new AtomicInteger();
    private final ExecutorService callers = Executors.newFixedThreadPool(6);
    private volatile boolean running = true;

    Load(JsonNode trigger, Function<Integer, Http> node) {
      String path = "/v1/triggers/" + trigger.get("id").asText() + "/events";
      for (int t = 0; t < 6; t++) {
        int thread = t;
        callers.execute(() -> {
          for (int n = 0; running; n++) {
            Http.Response r;
            try {
              r = node.apply(thread).as(trigger.get("secret").asText()).post(path, Map.of("n", n));
            } catch (AssertionError connectionRefused) {
              pause(); // a killed node
              continue;
            }
            if (r.status() == 202) acknowledged.add(r.json().get("eventId").asText());
            else if (r.status() == 503) unavailable.incrementAndGet();
            else if (r.status() >= 500) serverErrors.incrementAndGet();
          }
        });
      }
    }

    private static void pause() {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    Set<String> stop() throws InterruptedException {
      running = false;
      callers.shutdown();
      assertThat(callers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      return acknowledged;
    }
  }
}
