package org.switchboard.ui;

import static org.switchboard.ui.Html.esc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.switchboard.auth.Permission;
import org.switchboard.model.Event;
import org.switchboard.model.Ids;
import org.switchboard.model.Json;
import org.switchboard.model.Problem;
import org.switchboard.store.EventStore;

/** Events: filtered by status and trigger, each with its payload and result, and replay. */
final class EventPages {
  static final String HEAD = "<thead><tr><th>Event</th><th>Status</th><th>Source</th><th>Received</th><th>Took</th>"
      + "<th>Conversation</th></tr></thead><tbody>";
  private static final int PAGE = 50;

  void register(UiRoutes r) {
    r.get("/ui/p/{projectId}/events", this::list);
    r.get("/ui/p/{projectId}/events/{eventId}", this::detail);
    r.post("/ui/p/{projectId}/events/{eventId}/replay", this::replay);
  }

  static String row(String projectId, Event e) {
    String took = e.completedAt() == null ? "" : (e.completedAt() - e.receivedAt()) + " ms";
    return "<tr><td>" + Html.link(Ui.base(projectId) + "/events/" + e.id(), e.id()) + "</td><td>" + Html.badge(e.status())
        + (e.dropReason() == null ? "" : " <small>" + esc(e.dropReason()) + "</small>") + "</td><td>" + esc(e.source())
        + "</td><td>" + Html.time(e.receivedAt()) + "</td><td>" + took + "</td><td>"
        + (e.conversationId() == null ? "" : Html.link(Ui.base(projectId) + "/conversations/" + e.conversationId(), e.conversationId()))
        + "</td></tr>";
  }

  private void list(Ui ui) {
    String projectId = ui.project(Permission.READ);
    String status = ui.query("status");
    if (status != null && !List.of(Event.ACCEPTED, Event.PROCESSING, Event.COMPLETED, Event.FAILED, Event.DROPPED).contains(status)) {
      throw Problem.badRequest("unknown status " + status);
    }
    String trigger = ui.query("triggerId");
    String before = ui.query("before");
    if (before != null && !Ids.looksLike("evt_", before)) throw Problem.badRequest("not a cursor");
    List<Event> events = ui.core.db().read(h -> EventStore.list(h, projectId, trigger, status, null, before, PAGE + 1));
    StringBuilder rows = new StringBuilder();
    events.stream().limit(PAGE).forEach(e -> rows.append(row(projectId, e)));
    Map<String, String> statuses = new LinkedHashMap<>();
    statuses.put("", "any status");
    for (String s : List.of(Event.ACCEPTED, Event.PROCESSING, Event.COMPLETED, Event.FAILED, Event.DROPPED)) statuses.put(s, s);
    String filters = "<form class=\"filters\" method=\"get\">" + Html.select("Status", "status", statuses, status == null ? "" : status)
        + Html.input("Trigger id", "triggerId", trigger, "text", null) + "<button type=\"submit\">Filter</button></form>";
    String more = events.size() > PAGE ? "<p>" + Html.link("?status=" + (status == null ? "" : status) + "&triggerId="
        + (trigger == null ? "" : trigger) + "&before=" + events.get(PAGE - 1).id(), "Older events") + "</p>" : "";
    ui.page("Events", projectId, "events", filters + "<div class=\"scroll\"><table class=\"responsive\">" + HEAD + rows
        + "</tbody></table></div>" + more);
  }

  private void detail(Ui ui) {
    String projectId = ui.project(Permission.READ);
    Event e = event(ui, projectId);
    String replay = ui.principal.may(projectId, Permission.TRIGGER)
        ? ui.form(projectId, "/events/" + e.id() + "/replay", "", "Replay", "inline") : "";
    ui.page("Event " + e.id(), projectId, "events", "<div class=\"scroll\"><table class=\"responsive\">" + HEAD + row(projectId, e)
        + "</tbody></table></div><div class=\"actions\">" + replay + "</div>" + result(e)
        + "<h2>Payload</h2>" + Html.pre(e.payload().toPrettyString())
        + "<h2>Context</h2>" + Html.pre(e.context().toPrettyString()));
  }

  /** The steps, HTTP, skill and model calls an event made, each with its details. */
  static String result(Event e) {
    JsonNode result = e.result();
    if (result == null) return "";
    StringBuilder out = new StringBuilder();
    if (result.hasNonNull("error")) out.append("<div class=\"errors\">").append(esc(result.get("error").asText())).append("</div>");
    out.append("<h2>What it did</h2><ol class=\"trace\">");
    for (JsonNode action : result.path("actions")) {
      String step = action.path("step").asText(action.path("type").asText("step"));
      StringBuilder summary = new StringBuilder("<strong>").append(esc(step)).append("</strong>");
      for (String f : List.of("node", "method", "url", "status", "skill", "model", "durationMs", "error")) {
        if (action.hasNonNull(f) && action.get(f).isValueNode()) summary.append(" · ").append(esc(f)).append(' ').append(esc(action.get(f).asText()));
      }
      out.append("<li><details><summary>").append(summary).append("</summary>").append(Html.pre(action.toPrettyString()))
          .append("</details></li>");
    }
    return out.append("</ol>").toString();
  }

  private static Event event(Ui ui, String projectId) {
    String id = ui.id("eventId", "evt_", "event");
    Event e = ui.core.db().read(h -> EventStore.find(h, id)).orElseThrow(() -> Problem.notFound("event"));
    Ui.owned(projectId, e.projectId(), "event");
    return e;
  }

  private void replay(Ui ui) {
    String projectId = ui.project(Permission.TRIGGER);
    Event replayed = ui.core.conversations().replay(event(ui, projectId).id());
    ui.redirect(Ui.base(projectId) + "/events/" + replayed.id());
  }
}
