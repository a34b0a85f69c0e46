package org.switchboard.ui;

import static org.switchboard.ui.Html.esc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.switchboard.auth.Permission;
import org.switchboard.model.Event;
import org.switchboard.model.Json;
import org.switchboard.model.Problem;
import org.switchboard.model.Trigger;
import org.switchboard.store.BotStore;
import org.switchboard.store.EventStore;
import org.switchboard.store.TriggerStore;

/** Triggers: list, create and edit every field, the URL, secret and a ready curl line, pause and resume, recent events. */
final class TriggerPages {
  void register(UiRoutes r) {
    r.get("/ui/p/{projectId}/triggers", this::list);
    r.get("/ui/p/{projectId}/triggers/new", ui -> edit(ui, null, null));
    r.post("/ui/p/{projectId}/triggers", this::create);
    r.get("/ui/p/{projectId}/triggers/{triggerId}", ui -> detail(ui, null, null));
    r.post("/ui/p/{projectId}/triggers/{triggerId}", this::update);
    r.post("/ui/p/{projectId}/triggers/{triggerId}/pause", ui -> setStatus(ui, Trigger.PAUSED));
    r.post("/ui/p/{projectId}/triggers/{triggerId}/resume", ui -> setStatus(ui, Trigger.ACTIVE));
  }

  private void list(Ui ui) {
    String projectId = ui.project(Permission.READ);
    StringBuilder rows = new StringBuilder();
    for (Trigger t : ui.core.db().read(h -> TriggerStore.list(h, projectId, null, 500))) {
      rows.append("<tr><td>").append(Html.link(Ui.base(projectId) + "/triggers/" + t.id(), t.name())).append("</td><td><code>")
          .append(esc(t.key())).append("</code></td><td>").append(Html.badge(t.status())).append("</td><td>")
          .append(t.waitForResponse() ? "waits" : "202").append("</td><td>")
          .append(t.schedule() == null ? "" : esc(t.schedule().path("cron").asText())).append("</td><td>")
          .append(Html.time(t.lastTriggerAt())).append("</td></tr>");
    }
    String create = ui.principal.may(projectId, Permission.ADMIN)
        ? "<p class=\"actions\"><a href=\"" + Ui.base(projectId) + "/triggers/new\">New trigger</a></p>" : "";
    ui.page("Triggers", projectId, "triggers", create + "<div class=\"scroll\"><table class=\"responsive\"><thead><tr><th>Name</th>"
        + "<th>Key</th><th>Status</th><th>Answer</th><th>Schedule</th><th>Last fired</th></tr></thead><tbody>" + rows
        + "</tbody></table></div>");
  }

  /** The form for a new trigger, or for changing {@code t}. */
  private void edit(Ui ui, Trigger t, Problem problem) {
    String projectId = ui.project(Permission.ADMIN);
    ui.page(t == null ? "New trigger" : "Edit " + t.name(), projectId, "triggers",
        BotPages.errors(problem) + fields(ui, projectId, t));
  }

  private String fields(Ui ui, String projectId, Trigger t) {
    Map<String, String> bots = new LinkedHashMap<>();
    ui.core.db().read(h -> BotStore.list(h, projectId, null, 500)).forEach(b -> bots.put(b.id(), b.name()));
    JsonNode s = t == null || t.schedule() == null ? Json.object() : t.schedule();
    String body = Html.input("Name", "name", t == null ? ui.form("name") : t.name(), "text", null)
        + Html.input("Key", "key", t == null ? null : t.key(), "text", "used in Chathive's URL; made from the name when empty")
        + Html.input("Description", "description", t == null ? null : t.description(), "text", null)
        + Html.select("Bot", "botId", bots, t == null ? null : t.botId())
        + Html.checkbox("Authenticate (require the secret or an API key)", "authenticate", t == null || t.authenticate())
        + Html.checkbox("Wait for the bot's response (200) instead of answering 202 at once", "waitForResponse", t != null && t.waitForResponse())
        + Html.input("Response timeout (ms)", "responseTimeoutMs", t == null ? 30000 : t.responseTimeoutMs(), "number", null)
        + Html.input("Session duration (seconds)", "sessionDurationSeconds", t == null ? 1800 : t.sessionDurationSeconds(), "number",
            "events with the same session key join one conversation for this long")
        + Html.checkbox("Ignore duplicate bodies", "ignoreDuplicates", t != null && t.ignoreDuplicates())
        + Html.input("Duplicate window (seconds)", "duplicateWindowSeconds", t == null ? 86400 : t.duplicateWindowSeconds(), "number", null)
        + Html.input("Filter (CEL)", "filter", t == null ? null : t.filter(), "text", "e.g. body.type == \"order\"")
        + Html.input("Rate limit (calls a minute)", "rateLimitPerMinute", t == null ? null : t.rateLimitPerMinute(),
            "number", "more calls in any minute get 429; empty for no limit")
        + Html.input("Schedule", "cron", s.path("cron").asText(""), "text", "a cron expression, daily, hourly, ..., an ISO date-time, or never; empty for none")
        + Html.input("Time zone", "timezone", s.path("timezone").asText(""), "text", "IANA, e.g. Europe/Berlin; UTC when empty")
        + Html.select("Missed slots", "missed", Map.of("last", "fire the last one", "all", "fire all", "none", "skip"),
            s.path("missed").asText("last"))
        + Html.textarea("Scheduled payload (JSON)", "payload", s.has("payload") ? Json.write(s.get("payload")) : "", 3)
        + Html.textarea("Meta (JSON object)", "meta", t == null ? "{}" : Json.write(t.meta()), 3);
    return ui.form(projectId, t == null ? "/triggers" : "/triggers/" + t.id(), body, t == null ? "Create trigger" : "Save", "");
  }

  /** The native trigger body from the form; unparsable JSON fields are 422s naming the field. */
  private static ObjectNode body(Ui ui) {
    ObjectNode b = Json.object();
    for (String f : List.of("name", "key", "description", "botId", "filter")) {
      String v = ui.form(f);
      if (v != null && !v.isEmpty()) b.put(f, v);
      else if (f.equals("filter") || f.equals("description")) b.putNull(f);
    }
    for (String f : List.of("authenticate", "waitForResponse", "ignoreDuplicates")) b.put(f, "true".equals(ui.form(f)));
    for (String f : List.of("responseTimeoutMs", "sessionDurationSeconds", "duplicateWindowSeconds",
        "rateLimitPerMinute")) {
      String v = ui.form(f);
      if (v == null || v.isEmpty()) {
        if (f.equals("rateLimitPerMinute")) b.putNull(f);
        continue;
      }
      try {
        b.put(f, Long.parseLong(v));
      } catch (NumberFormatException e) {
        throw Problem.invalid(f, "must be a whole number");
      }
    }
    String cron = ui.form("cron");
    if (cron == null || cron.isEmpty()) {
      b.putNull("schedule");
    } else {
      ObjectNode s = b.putObject("schedule").put("cron", cron).put("missed", ui.form("missed"));
      if (ui.form("timezone") != null && !ui.form("timezone").isEmpty()) s.put("timezone", ui.form("timezone"));
      String payload = ui.form("payload");
      if (payload != null && !payload.isEmpty()) s.set("payload", json("payload", payload));
    }
    String meta = ui.form("meta");
    b.set("meta", meta == null || meta.isEmpty() ? Json.object() : json("meta", meta));
    return b;
  }

  private static JsonNode json(String field, String text) {
    try {
      return Json.read(text);
    } catch (RuntimeException e) {
      throw Problem.invalid(field, "is not valid JSON");
    }
  }

  private void create(Ui ui) {
    String projectId = ui.project(Permission.ADMIN);
    try {
      Trigger t = ui.core.triggers().create(projectId, body(ui));
      ui.redirect(Ui.base(projectId) + "/triggers/" + t.id());
    } catch (Problem p) {
      ui.ctx.status(p.status());
      edit(ui, null, p);
    }
  }

  private Trigger owned(Ui ui, String projectId) {
    Trigger t = ui.core.triggers().get(ui.id("triggerId", "trg_", "trigger"));
    Ui.owned(projectId, t.projectId(), "trigger");
    return t;
  }

  private void detail(Ui ui, Problem problem, String notice) {
    String projectId = ui.project(Permission.READ);
    Trigger t = owned(ui, projectId);
    boolean admin = ui.principal.may(projectId, Permission.ADMIN);
    String url = ui.ctx.scheme() + "://" + ui.ctx.host() + "/v1/triggers/" + t.id() + "/events";
    String secret = admin ? ui.core.triggers().secretOf(t) : null;
    String curl = "curl -X POST '" + url + "?session=demo' -H 'Authorization: Bearer " + (secret == null ? "<secret>" : secret)
        + "' -H 'Content-Type: application/json' -d '{\"hello\": \"world\"}'";
    StringBuilder events = new StringBuilder();
    for (Event e : ui.core.db().read(h -> EventStore.list(h, projectId, t.id(), null, null, null, 20))) {
      events.append(EventPages.row(projectId, e));
    }
    String status = admin ? ui.form(projectId, "/triggers/" + t.id() + (t.active() ? "/pause" : "/resume"), "",
        t.active() ? "Pause" : "Resume", "inline") : "";
    ui.page(t.name(), projectId, "triggers", (notice == null ? "" : "<div class=\"notice\">" + esc(notice) + "</div>")
        + "<div class=\"card\"><p>" + Html.badge(t.status()) + " " + status + "</p><p>URL " + Html.copyable(url) + "</p>"
        + (secret == null ? "" : "<p>Secret " + Html.copyable(secret) + "</p>") + "<p>Try it</p>" + Html.copyable(curl)
        + (t.nextTriggerAt() == null ? "" : "<p>Next scheduled: " + Html.time(t.nextTriggerAt()) + "</p>") + "</div>"
        + "<h2>Recent events</h2><div class=\"scroll\"><table class=\"responsive\">" + EventPages.HEAD + events + "</tbody></table></div>"
        + (admin ? "<h2>Settings</h2>" + BotPages.errors(problem) + fields(ui, projectId, t) : ""));
  }

  private void update(Ui ui) {
    String projectId = ui.project(Permission.ADMIN);
    Trigger t = owned(ui, projectId);
    try {
      ui.core.triggers().update(t.id(), body(ui));
      detail(ui, null, "Saved.");
    } catch (Problem p) {
      ui.ctx.status(p.status());
      detail(ui, p, null);
    }
  }

  private void setStatus(Ui ui, String status) {
    String projectId = ui.project(Permission.ADMIN);
    Trigger t = owned(ui, projectId);
    ui.core.triggers().update(t.id(), Json.object().put("status", status));
    ui.redirect(Ui.base(projectId) + "/triggers/" + t.id());
  }
}
