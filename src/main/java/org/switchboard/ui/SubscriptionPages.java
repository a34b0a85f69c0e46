package org.switchboard.ui;

import static org.switchboard.ui.Html.esc;

import java.util.List;
import org.switchboard.auth.Permission;
import org.switchboard.model.Delivery;
import org.switchboard.model.DeliveryAttempt;
import org.switchboard.model.Json;
import org.switchboard.model.Problem;
import org.switchboard.model.Subscription;
import org.switchboard.store.OutboxStore;
import org.switchboard.store.SubscriptionStore;

/** Subscriptions: create, and each one's deliveries with every attempt and a retry button. */
final class SubscriptionPages {
  void register(UiRoutes r) {
    r.get("/ui/p/{projectId}/subscriptions", ui -> list(ui, null));
    r.post("/ui/p/{projectId}/subscriptions", this::create);
    r.get("/ui/p/{projectId}/subscriptions/{subscriptionId}", this::detail);
    r.post("/ui/p/{projectId}/deliveries/{deliveryId}/retry", this::retry);
  }

  private void list(Ui ui, Problem problem) {
    String projectId = ui.project(Permission.READ);
    StringBuilder rows = new StringBuilder();
    for (Subscription s : ui.core.db().read(h -> SubscriptionStore.list(h, projectId, null, 500))) {
      rows.append("<tr><td>").append(Html.link(Ui.base(projectId) + "/subscriptions/" + s.id(), s.id())).append("</td><td>")
          .append(Html.badge(s.status())).append("</td><td>").append(esc(String.join(", ", s.topics()))).append("</td><td>")
          .append(esc(s.method())).append(' ').append(esc(s.url())).append("</td><td>")
          .append(s.channelId() == null ? "" : esc(s.channelId())).append("</td></tr>");
    }
    String create = !ui.principal.may(projectId, Permission.ADMIN) ? "" : "<h2>New subscription</h2>" + BotPages.errors(problem)
        + ui.form(projectId, "/subscriptions", Html.input("URL", "url", ui.form("url"), "url", null)
        + Html.input("Topics", "topics", "message.created", "text", "comma-separated: message.created, conversation.started, "
            + "conversation.ended, event.completed, event.failed, event.dropped, custom.*, *")
        + Html.checkbox("Ordered per conversation", "ordered", false), "Subscribe", "");
    ui.page("Subscriptions", projectId, "subscriptions", "<div class=\"scroll\"><table class=\"responsive\"><thead><tr>"
        + "<th>Id</th><th>Status</th><th>Topics</th><th>Target</th><th>Channel</th></tr></thead><tbody>" + rows
        + "</tbody></table></div>" + create);
  }

  private void create(Ui ui) {
    String projectId = ui.project(Permission.ADMIN);
    var body = Json.object().put("url", ui.form("url")).put("ordered", "true".equals(ui.form("ordered")));
    var topics = body.putArray("topics");
    for (String t : (ui.form("topics") == null ? "" : ui.form("topics")).split(",")) if (!t.isBlank()) topics.add(t.trim());
    try {
      Subscription s = ui.core.subscriptions().create(projectId, body);
      ui.redirect(Ui.base(projectId) + "/subscriptions/" + s.id());
    } catch (Problem p) {
      ui.ctx.status(p.status());
      list(ui, p);
    }
  }

  private void detail(Ui ui) {
    String projectId = ui.project(Permission.READ);
    Subscription s = ui.core.subscriptions().get(ui.id("subscriptionId", "sub_", "subscription"));
    Ui.owned(projectId, s.projectId(), "subscription");
    boolean admin = ui.principal.may(projectId, Permission.ADMIN);
    List<Delivery> deliveries = ui.core.db().read(h -> OutboxStore.deliveries(h, s.id(), null, null, 100));
    StringBuilder rows = new StringBuilder();
    for (Delivery d : deliveries) {
      List<DeliveryAttempt> attempts = ui.core.db().read(h -> OutboxStore.attempts(h, d.id()));
      StringBuilder list = new StringBuilder("<ol>");
      for (DeliveryAttempt a : attempts) {
        list.append("<li>").append(Html.time(a.at())).append(" · ").append(a.statusCode() == null ? esc(a.error()) : "HTTP " + a.statusCode())
            .append(" · ").append(a.durationMs()).append(" ms").append(a.response() == null || a.response().isEmpty() ? ""
                : "<details><summary>response</summary>" + Html.pre(a.response()) + "</details>").append("</li>");
      }
      list.append("</ol>");
      String retry = admin && !Delivery.PENDING.equals(d.status())
          ? ui.form(projectId, "/deliveries/" + d.id() + "/retry", "", "Retry", "inline") : "";
      rows.append("<tr><td><code>").append(esc(d.id())).append("</code><br><small>").append(Html.time(d.createdAt()))
          .append("</small></td><td>").append(Html.badge(d.status())).append(' ').append(retry).append("</td><td>")
          .append(d.conversationId() == null ? "" : Html.link(Ui.base(projectId) + "/conversations/" + d.conversationId(), d.conversationId()))
          .append("</td><td>").append(list).append("</td></tr>");
    }
    String secret = admin ? "<p>Signing secret " + Html.copyable(ui.core.subscriptions().secretOf(s)) + "</p>" : "";
    ui.page("Subscription " + s.id(), projectId, "subscriptions", "<div class=\"card\"><p>" + Html.badge(s.status()) + " "
        + esc(s.method()) + " " + esc(s.url()) + "</p><p>Topics: " + esc(String.join(", ", s.topics())) + (s.ordered() ? " · ordered" : "")
        + (s.disabledReason() == null ? "" : " · " + esc(s.disabledReason())) + "</p>" + secret + "</div><h2>Deliveries</h2>"
        + "<div class=\"scroll\"><table class=\"responsive\"><thead><tr><th>Delivery</th><th>Status</th><th>Conversation</th>"
        + "<th>Attempts</th></tr></thead><tbody>" + rows + "</tbody></table></div>");
  }

  private void retry(Ui ui) {
    String projectId = ui.project(Permission.ADMIN);
    String id = ui.id("deliveryId", "dlv_", "delivery");
    Delivery d = ui.core.db().read(h -> OutboxStore.delivery(h, id)).orElseThrow(() -> Problem.notFound("delivery"));
    Ui.owned(projectId, d.projectId(), "delivery");
    ui.core.subscriptions().retryDelivery(d.id());
    ui.core.notifier().deliveriesDue();
    ui.redirect(Ui.base(projectId) + "/subscriptions/" + d.subscriptionId());
  }
}
