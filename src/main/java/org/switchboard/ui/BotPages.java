package org.switchboard.ui;

import static org.switchboard.ui.Html.esc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;
import org.switchboard.auth.Permission;
import org.switchboard.model.Bot;
import org.switchboard.model.BotVersion;
import org.switchboard.model.Json;
import org.switchboard.model.Problem;
import org.switchboard.store.BotStore;

/** Bots: the list, and one bot's draft in YAML with validation errors inline, publishing and its versions. */
final class BotPages {
  private static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
  static final String STARTER = """
      on:
        trigger: { "*": main }
        message: main
      nodes:
        main:
          - say: "Hello {{contact.name}}, you said {{event.text}}"
      """;

  void register(UiRoutes r) {
    r.get("/ui/p/{projectId}/bots", this::list);
    r.post("/ui/p/{projectId}/bots", this::create);
    r.get("/ui/p/{projectId}/bots/{botId}", ui -> bot(ui, null, null, null));
    r.post("/ui/p/{projectId}/bots/{botId}/draft", this::saveDraft);
    r.post("/ui/p/{projectId}/bots/{botId}/publish", this::publish);
  }

  private void list(Ui ui) { list(ui, null, null); }

  private void list(Ui ui, Problem problem, String draft) {
    String projectId = ui.project(Permission.READ);
    StringBuilder rows = new StringBuilder();
    for (Bot b : ui.core.db().read(h -> BotStore.list(h, projectId, null, 500))) {
      rows.append("<tr><td>").append(Html.link(Ui.base(projectId) + "/bots/" + b.id(), b.name())).append("</td><td><code>")
          .append(esc(b.key())).append("</code></td><td>").append(b.publishedVersion() == null ? "<span class=\"muted\">draft only</span>"
          : "v" + b.publishedVersion()).append("</td><td>").append(Html.time(b.updatedAt())).append("</td></tr>");
    }
    String create = !ui.principal.may(projectId, Permission.ADMIN) ? "" : "<h2>New bot</h2>" + errors(problem)
        + ui.form(projectId, "/bots", Html.input("Name", "name", ui.form("name"), "text", null)
        + Html.textarea("Flow (YAML)", "definition", draft == null ? STARTER : draft, 12)
        + Html.checkbox("Publish now", "publish", true), "Create bot", "");
    ui.page("Bots", projectId, "bots", "<div class=\"scroll\"><table class=\"responsive\"><thead><tr><th>Name</th><th>Key</th>"
        + "<th>Published</th><th>Updated</th></tr></thead><tbody>" + rows + "</tbody></table></div>" + create);
  }

  private void create(Ui ui) {
    String projectId = ui.project(Permission.ADMIN);
    String definition = ui.form("definition");
    try {
      Bot bot = ui.core.bots().create(projectId, Json.object().put("name", ui.form("name")).put("definition", definition)
          .put("publish", "true".equals(ui.form("publish"))));
      ui.redirect(Ui.base(projectId) + "/bots/" + bot.id());
    } catch (Problem p) {
      ui.ctx.status(p.status());
      list(ui, p, definition);
    }
  }

  private Bot owned(Ui ui, String projectId) {
    Bot bot = ui.core.bots().get(ui.id("botId", "bot_", "bot"));
    Ui.owned(projectId, bot.projectId(), "bot");
    return bot;
  }

  private void bot(Ui ui, Problem problem, String draft, String notice) {
    String projectId = ui.project(Permission.READ);
    Bot bot = owned(ui, projectId);
    List<BotVersion> versions = ui.core.bots().versions(bot.id());
    StringBuilder rows = new StringBuilder();
    for (int i = versions.size() - 1; i >= 0; i--) {
      BotVersion v = versions.get(i);
      rows.append("<tr><td>v").append(v.version()).append("</td><td>").append(Html.time(v.publishedAt()))
          .append("</td><td><details><summary>Flow</summary>").append(Html.pre(yaml(v.definition()))).append("</details></td></tr>");
    }
    boolean admin = ui.principal.may(projectId, Permission.ADMIN);
    String editor = admin ? ui.form(projectId, "/bots/" + bot.id() + "/draft",
        Html.textarea("Draft (YAML or JSON)", "definition", draft != null ? draft : yaml(bot.draft()), 22), "Save draft", "")
        + "<div class=\"actions\">" + ui.form(projectId, "/bots/" + bot.id() + "/publish", "", "Publish the saved draft", "inline")
        + "</div>" : Html.pre(yaml(bot.draft()));
    ui.page(bot.name(), projectId, "bots", (notice == null ? "" : "<div class=\"notice\">" + esc(notice) + "</div>")
        + "<p>Key <code>" + esc(bot.key()) + "</code> · id " + Html.copyable(bot.id()) + " · published "
        + (bot.publishedVersion() == null ? "never" : "v" + bot.publishedVersion()) + "</p>"
        + errors(problem) + "<h2>Draft</h2>" + editor + "<h2>Versions</h2><div class=\"scroll\"><table><thead><tr><th>Version</th>"
        + "<th>Published</th><th></th></tr></thead><tbody>" + rows + "</tbody></table></div>");
  }

  private void saveDraft(Ui ui) {
    String projectId = ui.project(Permission.ADMIN);
    Bot bot = owned(ui, projectId);
    String definition = ui.form("definition");
    try {
      ui.core.bots().updateDraft(bot.id(), Json.object().put("definition", definition));
      bot(ui, null, null, "Draft saved. Publish it to make new conversations use it.");
    } catch (Problem p) {
      ui.ctx.status(p.status());
      bot(ui, p, definition, null);
    }
  }

  private void publish(Ui ui) {
    String projectId = ui.project(Permission.ADMIN);
    Bot bot = owned(ui, projectId);
    BotVersion v = ui.core.bots().publish(bot.id());
    bot(ui, null, null, "Published version " + v.version() + ".");
  }

  /** Validation problems next to the editor, one line each, with the YAML line when known. */
  static String errors(Problem p) {
    if (p == null) return "";
    StringBuilder out = new StringBuilder("<div class=\"errors\" role=\"alert\"><strong>").append(esc(p.detail())).append("</strong>");
    if (!p.errors().isEmpty()) {
      out.append("<ul>");
      for (Problem.FieldError e : p.errors()) {
        out.append("<li><code>").append(esc(e.path())).append("</code>").append(e.line() == null ? "" : " (line " + e.line() + ")")
            .append(": ").append(esc(e.message())).append("</li>");
      }
      out.append("</ul>");
    }
    return out.append("</div>").toString();
  }

  static String yaml(JsonNode node) {
    try {
      return YAML.writeValueAsString(node);
    } catch (Exception e) {
      return Json.write(node);
    }
  }
}
