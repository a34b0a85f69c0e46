package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.switchboard.http.Api;
import org.switchboard.support.BothDatabases;

class OperationsTest extends BothDatabases {

  @Test
  void healthReadinessAndMetrics() {
    assertThat(app.anonymous().get("/healthz").status()).isEqualTo(200);
    var ready = app.anonymous().get("/readyz");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().get("status").asText()).isEqualTo("ready");
    var metrics = app.anonymous().get("/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body()).contains("switchboard_queue_depth").contains("jvm_memory_used_bytes");
  }

  @Test
  void theMetricsToAlertOnMove() {
    double completed = metric("switchboard_events_finished_total{status=\"completed\"}");
    double ok = metric("switchboard_http_responses_total{class=\"2xx\"}");
    double refused = metric("switchboard_http_responses_total{class=\"4xx\"}");
    double syncs = metric("switchboard_sync_duration_seconds_count");
    String project = app.project("metrics");
    JsonNode trigger = app.trigger(project, app.bot(project, org.switchboard.support.TestApp.ECHO), java.util.Map.of());
    String eventId = app.client(trigger.get("secret").asText())
        .post("/v1/triggers/" + trigger.get("id").asText() + "/events", java.util.Map.of("n", 1)).json().get("eventId").asText();
    app.awaitEvent(eventId, "completed");
    assertThat(app.anonymous().get("/v1/projects").status()).isEqualTo(401);
    assertThat(metric("switchboard_events_finished_total{status=\"completed\"}")).isEqualTo(completed + 1);
    assertThat(metric("switchboard_http_responses_total{class=\"2xx\"}")).isGreaterThanOrEqualTo(ok + 4);
    assertThat(metric("switchboard_http_responses_total{class=\"4xx\"}")).isGreaterThanOrEqualTo(refused + 1);
    assertThat(metric("switchboard_queue_oldest_seconds")).isGreaterThanOrEqualTo(0);
    // SQLite syncs its log apart from the commit, before the caller is answered; PostgreSQL's commit is its sync.
    if (app.kind == org.switchboard.support.DbKind.SQLITE) assertThat(metric("switchboard_sync_duration_seconds_count")).isGreaterThan(syncs);
    else assertThat(metric("switchboard_sync_duration_seconds_count")).isEqualTo(syncs);
    assertThat(app.anonymous().get("/metrics").body()).contains("switchboard_delivery_attempts_total{outcome=\"failed\"}")
        .contains("switchboard_deliveries_pending");
  }

  private double metric(String series) {
    for (String line : app.anonymous().get("/metrics").body().split("\n")) {
      if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1).trim());
    }
    throw new AssertionError("no " + series + " in /metrics");
  }

  @Test
  void openApiDocumentsExactlyTheRoutes() {
    JsonNode doc = app.anonymous().get("/openapi.json").json();
    assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
    Set<String> documented = new HashSet<>();
    doc.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
        .forEachRemaining(m -> documented.add(m.toUpperCase() + " " + p.getKey())));
    Set<String> routed = new HashSet<>();
    for (Api.Route r : routesOfTheRunningServer()) routed.add(r.method().name() + " " + r.path());
    assertThat(documented).isEqualTo(routed);
    // The contract's paths are all there.
    assertThat(documented).contains("POST /v1/projects", "POST /v1/triggers/{triggerId}/events",
        "GET /v1/conversations/{conversationId}/stream", "POST /v1/events/{eventId}/replay",
        "POST /v1/bots/{botId}/publish", "POST /v1/triggers/{triggerId}/rotate-secret", "GET /readyz");
    JsonNode invoke = doc.get("paths").get("/v1/triggers/{triggerId}/events").get("post");
    assertThat(invoke.get("responses").has("202")).isTrue();
    assertThat(invoke.get("parameters").get(0).get("name").asText()).isEqualTo("triggerId");
  }

  private static java.util.List<Api.Route> routesOfTheRunningServer() {
    return app.app.routes();
  }

  @Test
  void docsRenderWithoutAnotherHost() {
    var docs = app.anonymous().get("/docs");
    assertThat(docs.status()).isEqualTo(200);
    assertThat(docs.contentType()).startsWith("text/html");
    assertThat(docs.body()).contains("/openapi.json");
    assertThat(docs.body()).doesNotContainPattern("(src|href)=\"(https?:)?//");
    assertThat(docs.body()).doesNotContainPattern("fetch\\('(https?:)?//");
  }
}
