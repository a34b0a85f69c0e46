package org.switchboard.ui;

import static org.switchboard.ui.Html.esc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.switchboard.auth.Permission;
import org.switchboard.model.ApiKey;
import org.switchboard.model.Channel;
import org.switchboard.model.Json;
import org.switchboard.model.Project;
import org.switchboard.store.BotStore;
import org.switchboard.store.ChannelStore;
import org.switchboard.store.ProjectStore;

/** Projects, and inside one: API keys (a new key is shown once) and channels. */
final class ProjectPages {
  void register(UiRoutes r) {
    r.get("/ui/projects", this::projects);
    r.post("/ui/projects", this::createProject);
    r.get("/ui/p/{projectId}", ui -> ui.redirect(Ui.base(ui.project(Permission.READ)) + "/conversations"));
    r.get("/ui/p/{projectId}/keys", ui -> keys(ui, null));
    r.post("/ui/p/{projectId}/keys", this::createKey);
    r.post("/ui/p/{projectId}/keys/{keyId}/delete", this::deleteKey);
    r.get("/ui/p/{projectId}/channels", this::channels);
    r.post("/ui/p/{projectId}/channels", this::createChannel);
  }

  private void projects(Ui ui) {
    List<Project> projects = ui.core.db().read(h -> ProjectStore.list(h, ui.principal.admin() ? null : ui.principal.projectId(), null, 500));
    StringBuilder rows = new StringBuilder();
    for (Project p : projects) {
      rows.append("<tr><td>").append(Html.link(Ui.base(p.id()) + "/conversations", p.name())).append("</td><td><code>")
          .append(esc(p.id())).append("</code></td><td>").append(Html.time(p.createdAt())).append("</td></tr>");
    }
    String create = ui.principal.admin() ? "<h2>New project</h2>" + Html.form("/ui/projects", ui.csrf,
        Html.input("Name", "name", "", "text", null), "Create project", "") : "";
    ui.page("Projects", null, null, "<div class=\"scroll\"><table class=\"responsive\"><thead><tr><th>Name</th><th>Id</th>"
        + "<th>Created</th></tr></thead><tbody>" + rows + "</tbody></table></div>" + create);
  }

  private void createProject(Ui ui) {
    ui.principal.requireAdminToken();
    Project p = ui.core.projects().create(Json.object().put("name", ui.form("name")));
    ui.redirect(Ui.base(p.id()) + "/conversations");
  }

  private void keys(Ui ui, String shownOnce) {
    String projectId = ui.project(Permission.ADMIN);
    StringBuilder rows = new StringBuilder();
    for (ApiKey k : ui.core.projects().keys(projectId)) {
      rows.append("<tr><td>").append(esc(k.name())).append("</td><td><code>").append(esc(k.id())).append("</code></td><td>")
          .append(esc(String.join(", ", k.permissions()))).append("</td><td>").append(Html.time(k.createdAt()))
          .append("</td><td>").append(ui.form(projectId, "/keys/" + k.id() + "/delete", "", "Delete", "inline"))
          .append("</td></tr>");
    }
    String fresh = shownOnce == null ? "" : "<div class=\"notice\"><strong>Your new key.</strong> It is shown only now; "
        + "store it somewhere safe.<br>" + Html.copyable(shownOnce) + "</div>";
    StringBuilder permissions = new StringBuilder();
    for (Permission p : Permission.values()) permissions.append(Html.checkbox(p.wireName(), "permissions", false));
    ui.page("API keys", projectId, "keys", fresh + "<div class=\"scroll\"><table class=\"responsive\"><thead><tr><th>Name</th>"
        + "<th>Id</th><th>Permissions</th><th>Created</th><th></th></tr></thead><tbody>" + rows + "</tbody></table></div>"
        + "<h2>New key</h2>" + ui.form(projectId, "/keys", Html.input("Name", "name", "", "text", null) + permissions,
        "Create key", ""));
  }

  private void createKey(Ui ui) {
    String projectId = ui.project(Permission.ADMIN);
    var body = Json.object().put("name", ui.form("name"));
    var list = body.putArray("permissions");
    ui.ctx.formParams("permissions").forEach(list::add);
    var created = ui.core.projects().createKey(projectId, body);
    ui.ctx.status(201);
    keys(ui, created.secret());
  }

  private void deleteKey(Ui ui) {
    String projectId = ui.project(Permission.ADMIN);
    ui.core.projects().deleteKey(projectId, ui.id("keyId", "key_", "API key"));
    ui.redirect(Ui.base(projectId) + "/keys");
  }

  private void channels(Ui ui) {
    String projectId = ui.project(Permission.READ);
    List<Channel> channels = ui.core.db().read(h -> ChannelStore.list(h, projectId, null, 500));
    StringBuilder rows = new StringBuilder();
    for (Channel c : channels) {
      String webhook = ui.ctx.scheme() + "://" + ui.ctx.host() + "/api/botpress/messaging/" + c.id();
      rows.append("<tr><td><code>").append(esc(c.id())).append("</code></td><td>").append(esc(c.type())).append("</td><td>")
          .append(Html.link(Ui.base(projectId) + "/bots/" + c.botId(), c.botId())).append("</td><td>")
          .append(Html.copyable(webhook)).append("</td><td>").append(esc(c.responseEndpointUrl())).append("</td><td>")
          .append(Html.link(Ui.base(projectId) + "/subscriptions/" + c.subscriptionId(), "deliveries")).append("</td></tr>");
    }
    Map<String, String> bots = new LinkedHashMap<>();
    ui.core.db().read(h -> BotStore.list(h, projectId, null, 500)).forEach(b -> bots.put(b.id(), b.name()));
    String create = ui.principal.may(projectId, Permission.ADMIN) ? "<h2>New Botpress Messaging channel</h2>"
        + ui.form(projectId, "/channels", Html.select("Bot", "botId", bots, null)
        + Html.input("Response endpoint URL", "responseEndpointUrl", "", "url",
        "Switchboard first POSTs {\"type\":\"test\",\"payload\":\"test\"} there; it must answer 2xx."), "Create channel", "") : "";
    ui.page("Channels", projectId, "channels", "<div class=\"scroll\"><table class=\"responsive\"><thead><tr><th>Id</th>"
        + "<th>Type</th><th>Bot</th><th>Webhook URL</th><th>Response endpoint</th><th></th></tr></thead><tbody>" + rows
        + "</tbody></table></div>" + create);
  }

  private void createChannel(Ui ui) {
    String projectId = ui.project(Permission.ADMIN);
    ui.core.channels().create(projectId, Json.object().put("type", Channel.BOTPRESS_MESSAGING)
        .put("botId", ui.form("botId")).put("responseEndpointUrl", ui.form("responseEndpointUrl")));
    ui.redirect(Ui.base(projectId) + "/channels");
  }
}
