package org.switchboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.switchboard.support.LocalServer;
import org.switchboard.support.TestApp;

/** Receivers that fail, hang, reset connections, redirect, answer 410 or Retry-After; ordered delivery; the attempt log. */
class RetryAndOrderTest extends DeliveryTestBase {

  private JsonNode onlyDelivery(String subscriptionId) {
    JsonNode items = deliveries(subscriptionId);
    assertThat(items).hasSize(1);
    return items.get(0);
  }

  private void awaitStatus(String subscriptionId, String status) {
    TestApp.eventually(15_000, () -> {
      JsonNode items = deliveries(subscriptionId);
      return items.size() == 1 && items.get(0).get("status").asText().equals(status);
    }, "delivery " + status);
  }

  @Test
  void failuresAreRetriedWithTheSameWebhookIdAndEveryAttemptIsLogged() {
    AtomicInteger calls = new AtomicInteger();
    SCRIPT.set(r -> calls.incrementAndGet() <= 2 ? new LocalServer.Answer(503, "text/plain", "busy " + calls.get(), 0)
        : LocalServer.Answer.json(200, Map.of("thanks", true)));
    String sub = subscribe(Map.of()).get("id").asText();
    fire(Map.of("n", 1), null);
    awaitStatus(sub, "succeeded");
    List<String> ids = received("/hook").stream().map(r -> r.headers().getFirst("webhook-id")).distinct().toList();
    assertThat(received("/hook")).hasSize(3);
    assertThat(ids).hasSize(1);
    JsonNode d = onlyDelivery(sub);
    assertThat(d.get("attemptCount").asInt()).isEqualTo(3);
    JsonNode log = d.get("attempts");
    assertThat(log.findValuesAsText("status")).containsExactly("503", "503", "200");
    assertThat(log.get(0).get("response").asText()).isEqualTo("busy 1");
    assertThat(log.get(2).get("response").asText()).contains("thanks");
    assertThat(log.get(0).has("durationMs")).isTrue();
    long first = Instant.parse(log.get(0).get("at").asText()).toEpochMilli();
    long second = Instant.parse(log.get(1).get("at").asText()).toEpochMilli();
    assertThat(second - first).isGreaterThanOrEqualTo(150); // 200 ms ± 20%
  }

  @Test
  void aFailureMarksTheSubscriptionFailingAndTheNextSuccessClearsIt() {
    AtomicInteger calls = new AtomicInteger();
    java.util.concurrent.CountDownLatch seenFailing = new java.util.concurrent.CountDownLatch(1);
    SCRIPT.set(r -> {
      if (!r.path().equals("/flaky")) return LocalServer.Answer.json(200, Map.of()); // an earlier test's late retry
      if (calls.incrementAndGet() == 1) return LocalServer.Answer.json(500, Map.of());
      try {
        seenFailing.await(800, java.util.concurrent.TimeUnit.MILLISECONDS); // the retry waits until the test has looked
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return LocalServer.Answer.json(200, Map.of());
    });
    String sub = subscribe(Map.of("url", receiver.url() + "/flaky")).get("id").asText();
    fire(Map.of("n", 1), null);
    TestApp.eventually(5_000, () -> !app.admin.get("/v1/subscriptions/" + sub).json().get("failingSince").isNull(), "failing");
    seenFailing.countDown();
    awaitStatus(sub, "succeeded");
    assertThat(app.admin.get("/v1/subscriptions/" + sub).json().get("failingSince").isNull()).isTrue();
  }

  @Test
  void afterTheLastRetryTheDeliveryFailsAndCanBeRetriedByHand() {
    SCRIPT.set(r -> LocalServer.Answer.json(500, Map.of()));
    String sub = subscribe(Map.of()).get("id").asText();
    fire(Map.of("n", 1), null);
    awaitStatus(sub, "failed");
    JsonNode d = onlyDelivery(sub);
    assertThat(d.get("attemptCount").asInt()).isEqualTo(4); // the first try and 3 retries
    assertThat(d.get("lastStatus").asInt()).isEqualTo(500);
    SCRIPT.set(r -> LocalServer.Answer.json(204, null));
    assertThat(app.admin.post("/v1/deliveries/" + d.get("id").asText() + "/retry", null).status()).isEqualTo(202);
    awaitStatus(sub, "succeeded");
    assertThat(onlyDelivery(sub).get("attemptCount").asInt()).isEqualTo(5);
  }

  @Test
  void aRetryByHandWaitsForTheAttemptInFlight() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    SCRIPT.set(r -> {
      try {
        release.await(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return LocalServer.Answer.json(200, Map.of());
    });
    String sub = subscribe(Map.of()).get("id").asText();
    fire(Map.of("n", 1), null);
    TestApp.eventually(5_000, () -> received("/hook").size() == 1, "the first attempt under way");
    String id = onlyDelivery(sub).get("id").asText();
    var refused = app.admin.post("/v1/deliveries/" + id + "/retry", null);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    assertThat(refused.json().get("detail").asText()).contains("being sent now");
    Thread.sleep(300); // a second send would have started by now
    assertThat(received("/hook")).hasSize(1);
    release.countDown();
    awaitStatus(sub, "succeeded");
    assertThat(onlyDelivery(sub).get("attempts")).hasSize(1); // the attempt in flight was recorded

    assertThat(app.admin.post("/v1/deliveries/" + id + "/retry", null).status()).isEqualTo(202);
    TestApp.eventually(5_000, () -> onlyDelivery(sub).get("attempts").size() == 2, "the retry's attempt");
    assertThat(received("/hook")).hasSize(2);
    assertThat(onlyDelivery(sub).get("status").asText()).isEqualTo("succeeded");
  }

  @Test
  void retryAfterIsHonoured() {
    AtomicInteger calls = new AtomicInteger();
    // A path of its own: a late retry of an earlier test's subscription must not take the first answer.
    SCRIPT.set(r -> r.path().equals("/slow") && calls.incrementAndGet() == 1
        ? new LocalServer.Answer(429, "text/plain", "slow down", 0, Map.of("Retry-After", "2"))
        : LocalServer.Answer.json(200, Map.of()));
    String sub = subscribe(Map.of("url", receiver.url() + "/slow")).get("id").asText();
    fire(Map.of("n", 1), null);
    awaitStatus(sub, "succeeded");
    JsonNode log = onlyDelivery(sub).get("attempts");
    long gap = Instant.parse(log.get(1).get("at").asText()).toEpochMilli() - Instant.parse(log.get(0).get("at").asText()).toEpochMilli();
    assertThat(gap).isGreaterThanOrEqualTo(1900);
  }

  @Test
  void goneDisablesTheSubscriptionAndAnnouncesIt() {
    SCRIPT.set(r -> r.path().equals("/gone") ? LocalServer.Answer.json(410, Map.of()) : LocalServer.Answer.json(200, Map.of()));
    String sub = subscribe(Map.of("url", receiver.url() + "/gone")).get("id").asText();
    subscribe(Map.of("topics", List.of("subscription.disabled"), "url", receiver.url() + "/ops"));
    fire(Map.of("n", 1), null);
    awaitStatus(sub, "failed");
    JsonNode s = app.admin.get("/v1/subscriptions/" + sub).json();
    assertThat(s.get("status").asText()).isEqualTo("disabled");
    assertThat(s.get("disabledReason").asText()).contains("410");
    TestApp.eventually(10_000, () -> received("/ops").size() == 1, "subscription.disabled");
    assertThat(received("/ops").get(0).json().get("data").get("subscription").get("id").asText()).isEqualTo(sub);
    assertThat(received("/gone")).hasSize(1);
  }

  @Test
  void redirectsAreNotFollowed() {
    String target = receiver.url() + "/target";
    SCRIPT.set(r -> r.path().equals("/moved")
        ? new LocalServer.Answer(302, "text/plain", "", 0, Map.of("Location", target)) : LocalServer.Answer.json(200, Map.of()));
    String sub = subscribe(Map.of("url", receiver.url() + "/moved")).get("id").asText();
    fire(Map.of("n", 1), null);
    TestApp.eventually(10_000, () -> deliveries(sub).get(0).get("attemptCount").asInt() >= 2, "a retry");
    assertThat(received("/target")).isEmpty();
    assertThat(deliveries(sub).get(0).get("attempts").get(0).get("status").asInt()).isEqualTo(302);
  }

  @Test
  void aHangingReceiverTimesOut() {
    SCRIPT.set(r -> r.path().equals("/hang") ? new LocalServer.Answer(200, "text/plain", "late", 5_000) : LocalServer.Answer.json(200, Map.of()));
    String sub = subscribe(Map.of("url", receiver.url() + "/hang")).get("id").asText();
    fire(Map.of("n", 1), null);
    TestApp.eventually(10_000, () -> {
      JsonNode log = deliveries(sub).get(0).get("attempts");
      return log.size() >= 1 && log.get(0).hasNonNull("error");
    }, "a timed-out attempt");
    JsonNode attempt = deliveries(sub).get(0).get("attempts").get(0);
    assertThat(attempt.get("error").asText()).contains("timed out");
    assertThat(attempt.get("durationMs").asLong()).isBetween(900L, 3000L);
  }

  @Test
  void connectionsResetByTheReceiverAreRetried() throws Exception {
    // A receiver that resets the first two connections (RST, no answer), then forwards to the real one.
    AtomicInteger accepted = new AtomicInteger();
    try (java.net.ServerSocket resetting = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        while (!resetting.isClosed()) {
          try (java.net.Socket s = resetting.accept()) {
            s.getInputStream().read(new byte[1024]); // the request has begun
            if (accepted.incrementAndGet() <= 2) {
              s.setSoLinger(true, 0); // close with a reset
              continue;
            }
            s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          } catch (java.io.IOException closed) {
            // the test is over, or the client went away
          }
        }
      });
      String sub = subscribe(Map.of("url", "http://127.0.0.1:" + resetting.getLocalPort() + "/reset")).get("id").asText();
      fire(Map.of("n", 1), null);
      awaitStatus(sub, "succeeded");
      JsonNode log = onlyDelivery(sub).get("attempts");
      assertThat(log).hasSize(3);
      assertThat(log.get(0).get("error").asText()).isNotBlank();
      assertThat(log.get(1).get("error").asText()).isNotBlank();
      assertThat(log.get(2).get("status").asInt()).isEqualTo(200);
    }
  }

  @Test
  void aSubscriptionFailingForTooLongIsDisabled() {
    SCRIPT.set(r -> LocalServer.Answer.json(500, Map.of()));
    String sub = subscribe(Map.of()).get("id").asText();
    app.app.core().db().write(h -> h.execute("UPDATE subscriptions SET failing_since = ? WHERE id = ?",
        System.currentTimeMillis() - 10_000, sub));
    fire(Map.of("n", 1), null);
    TestApp.eventually(10_000, () -> app.admin.get("/v1/subscriptions/" + sub).json().get("status").asText().equals("disabled"),
        "the subscription disabled");
    assertThat(app.admin.get("/v1/subscriptions/" + sub).json().get("disabledReason").asText()).contains("every delivery attempt failed");
  }

  @Test
  void orderedDeliveryWaitsForEachPreviousSuccessPerConversation() {
    AtomicInteger firstFailures = new AtomicInteger();
    SCRIPT.set(r -> {
      String text = r.json().get("data").get("message").get("payload").get("text").asText();
      if (text.equals("reply 1") && firstFailures.incrementAndGet() <= 2) return LocalServer.Answer.json(500, Map.of());
      return LocalServer.Answer.json(200, Map.of());
    });
    String sub = subscribe(Map.of("ordered", true)).get("id").asText();
    JsonNode trigger = trigger();
    for (int n = 1; n <= 4; n++) fire(trigger, Map.of("n", n), "?session=ordered");
    fire(trigger, Map.of("n", 99), "?session=other");
    TestApp.eventually(15_000, () -> {
      JsonNode items = deliveries(sub);
      if (items.size() != 5) return false;
      for (JsonNode d : items) if (!d.get("status").asText().equals("succeeded")) return false;
      return true;
    }, "all delivered");
    List<String> successes = receiver.requests.stream()
        .map(r -> r.json().get("data").get("message").get("payload").get("text").asText()).toList();
    List<String> ordered = successes.stream().filter(t -> !t.equals("reply 99")).toList();
    assertThat(ordered).containsExactly("reply 1", "reply 1", "reply 1", "reply 2", "reply 3", "reply 4");
    // The other conversation did not wait for the first one's retries.
    assertThat(successes.indexOf("reply 99")).isLessThan(successes.lastIndexOf("reply 1"));
  }
}
