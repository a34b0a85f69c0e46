package org.switchboard.ui;

import static org.switchboard.ui.Html.esc;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.switchboard.auth.Permission;
import org.switchboard.http.api.MessageStream;
import org.switchboard.model.Contact;
import org.switchboard.model.Conversation;
import org.switchboard.model.Delivery;
import org.switchboard.model.Event;
import org.switchboard.model.Ids;
import org.switchboard.model.Json;
import org.switchboard.model.Message;
import org.switchboard.model.Problem;
import org.switchboard.store.BotStore;
import org.switchboard.store.ContactStore;
import org.switchboard.store.ConversationStore;
import org.switchboard.store.EventStore;
import org.switchboard.store.OutboxStore;

/**
 * The Conversations tab: filters, and one conversation's timeline of messages, events (with what they did) and
 * deliveries, kept live through the conversation's message stream; handoff, end, and operator messages.
 */
final class ConversationPages {
  private static final int PAGE = 50;
  private static final int TIMELINE = 500;
  private final MessageStream stream;

  ConversationPages(MessageStream stream) { this.stream = stream; }

  void register(UiRoutes r) {
    r.get("/ui/p/{projectId}/conversations", this::list);
    r.get("/ui/p/{projectId}/conversations/{conversationId}", this::detail);
    r.get("/ui/p/{projectId}/conversations/{conversationId}/timeline", ui -> {
      String projectId = ui.project(Permission.READ);
      ui.ctx.contentType("text/html; charset=utf-8").result(timeline(ui, projectId, owned(ui, projectId)));
    });
    r.get("/ui/p/{projectId}/conversations/{conversationId}/live", ui -> {
      String projectId = ui.project(Permission.READ);
      Conversation c = owned(ui, projectId);
      long after;
      try {
        after = ui.query("after") == null ? 0 : Long.parseLong(ui.query("after"));
      } catch (NumberFormatException e) {
        throw Problem.badRequest("after must be a message seq");
      }
      stream.serve(ui.ctx, c.id(), after);
    });
    r.post("/ui/p/{projectId}/conversations/{conversationId}/handoff", ui -> status(ui, "handoff"));
    r.post("/ui/p/{projectId}/conversations/{conversationId}/release", ui -> status(ui, "release"));
    r.post("/ui/p/{projectId}/conversations/{conversationId}/end", ui -> status(ui, "end"));
    r.post("/ui/p/{projectId}/conversations/{conversationId}/say", this::say);
  }

  private static Long day(String value, String field) {
    if (value == null) return null;
    try {
      return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw Problem.invalid(field, "must be a date such as 2026-11-21");
    }
  }

  private void list(Ui ui) {
    String projectId = ui.project(Permission.READ);
    String status = ui.query("status");
    if (status != null && !List.of(Conversation.ACTIVE, Conversation.HANDOFF, Conversation.ENDED).contains(status)) {
      throw Problem.badRequest("unknown status " + status);
    }
    String contactQuery = ui.query("contact");
    String contactId = contactQuery == null ? null : contactId(ui, projectId, contactQuery);
    Long to = day(ui.query("to"), "to");
    var filter = new ConversationStore.Filter(ui.query("botId"), ui.query("triggerId"), contactId, status,
        day(ui.query("from"), "from"), to == null ? null : to + 86_400_000L);
    String before = ui.query("before");
    if (before != null && !Ids.looksLike("cnv_", before)) throw Problem.badRequest("not a cursor");
    List<Conversation> rows = contactQuery != null && contactId == null ? List.of()
        : ui.core.db().read(h -> ConversationStore.search(h, projectId, filter, before, PAGE + 1));
    Map<String, String> bots = new LinkedHashMap<>();
    bots.put("", "any bot");
    ui.core.db().read(h -> BotStore.list(h, projectId, null, 500)).forEach(b -> bots.put(b.id(), b.name()));
    Map<String, String> statuses = new LinkedHashMap<>();
    statuses.put("", "any status");
    for (String s : List.of(Conversation.ACTIVE, Conversation.HANDOFF, Conversation.ENDED)) statuses.put(s, s);
    String filters = "<form class=\"filters\" method=\"get\">" + Html.select("Bot", "botId", bots, ui.query("botId") == null ? "" : ui.query("botId"))
        + Html.input("Trigger id", "triggerId", ui.query("triggerId"), "text", null)
        + Html.input("Contact (id, email or external id)", "contact", contactQuery, "text", null)
        + Html.select("Status", "status", statuses, status == null ? "" : status)
        + Html.input("Active from", "from", ui.query("from"), "date", null) + Html.input("to", "to", ui.query("to"), "date", null)
        + "<button type=\"submit\">Filter</button></form>";
    StringBuilder table = new StringBuilder("<div class=\"scroll\"><table class=\"responsive\"><thead><tr><th>Conversation</th>"
        + "<th>Status</th><th>Bot</th><th>Contact</th><th>Started by</th><th>Last activity</th></tr></thead><tbody>");
    for (Conversation c : rows.stream().limit(PAGE).toList()) {
      String bot = bots.getOrDefault(c.botId(), c.botId());
      table.append("<tr><td>").append(Html.link(Ui.base(projectId) + "/conversations/" + c.id(), c.id())).append("</td><td>")
          .append(Html.badge(c.status())).append("</td><td>").append(esc(bot)).append(" v").append(c.botVersion())
          .append("</td><td>").append(esc(c.contactId())).append("</td><td>")
          .append(esc(c.triggerId() != null ? c.triggerId() : c.channelId() != null ? c.channelId() : "API")).append("</td><td>")
          .append(Html.time(c.lastActivityAt())).append("</td></tr>");
    }
    table.append("</tbody></table></div>");
    if (rows.size() > PAGE) {
      String query = ui.ctx.queryString() == null ? "" : ui.ctx.queryString().replaceAll("&?before=[^&]*", "");
      table.append("<p>").append(Html.link("?" + query + "&before=" + rows.get(PAGE - 1).id(), "Older conversations")).append("</p>");
    }
    ui.page("Conversations", projectId, "conversations", filters + table);
  }

  private static String contactId(Ui ui, String projectId, String query) {
    if (Ids.looksLike("ctc_", query)) return query;
    return ui.core.db().read(h -> ContactStore.findByEmail(h, projectId, query)
        .or(() -> ContactStore.findByExternalId(h, projectId, query)).map(Contact::id).orElse(null));
  }

  private Conversation owned(Ui ui, String projectId) {
    Conversation c = ui.core.conversations().get(ui.id("conversationId", "cnv_", "conversation"));
    Ui.owned(projectId, c.projectId(), "conversation");
    return c;
  }

  private void detail(Ui ui) {
    String projectId = ui.project(Permission.READ);
    Conversation c = owned(ui, projectId);
    String path = "/conversations/" + c.id();
    StringBuilder actions = new StringBuilder("<div class=\"actions\">");
    if (ui.principal.may(projectId, Permission.CONVERSATION) && !Conversation.ENDED.equals(c.status())) {
      actions.append(Conversation.HANDOFF.equals(c.status()) ? ui.form(projectId, path + "/release", "", "Give back to the bot", "inline")
          : ui.form(projectId, path + "/handoff", "", "Take over (handoff)", "inline"));
      actions.append(ui.form(projectId, path + "/end", "", "End conversation", "inline"));
    }
    actions.append("</div>");
    String say = Conversation.HANDOFF.equals(c.status()) && ui.principal.may(projectId, Permission.CONVERSATION)
        ? ui.form(projectId, path + "/say", Html.input("Message to the user, as the operator", "text", "", "text", null), "Send", "")
        : "";
    Contact contact = c.contactId() == null ? null : ui.core.db().read(h -> ContactStore.find(h, c.contactId())).orElse(null);
    long lastSeq = ui.core.db().read(h -> ConversationStore.recentMessages(h, c.id(), 1)).stream().mapToLong(Message::seq).max().orElse(0);
    String base = Ui.base(projectId) + path;
    ui.page("Conversation " + c.id(), projectId, "conversations", "<p>" + Html.badge(c.status()) + " bot "
        + Html.link(Ui.base(projectId) + "/bots/" + c.botId(), c.botId()) + " v" + c.botVersion()
        + (contact == null ? "" : " · contact " + esc(contact.name() != null ? contact.name() : contact.id())
            + (contact.email() == null ? "" : " &lt;" + esc(contact.email()) + "&gt;")
            + (contact.externalId() == null ? "" : " · external id " + esc(contact.externalId())))
        + (c.externalId() == null ? "" : " · caller's id " + esc(c.externalId())) + "</p>" + actions + say
        + "<h2>Timeline</h2><div id=\"timeline\" data-live=\"" + esc(base + "/live?after=" + lastSeq) + "\" data-fragment=\""
        + esc(base + "/timeline") + "\">" + timeline(ui, projectId, c) + "</div>");
  }

  private record Entry(long at, int order, String html) {}

  /** Messages, events and deliveries in time order. */
  private String timeline(Ui ui, String projectId, Conversation c) {
    List<Entry> entries = new ArrayList<>();
    ui.core.db().read(h -> {
      for (Message m : ConversationStore.messagesAfter(h, c.id(), 0, TIMELINE)) {
        entries.add(new Entry(m.createdAt(), 1, "<li class=\"" + esc(m.role()) + "\"><div class=\"meta\">" + esc(m.role())
            + " · " + esc(m.type()) + " · " + Html.time(m.createdAt()) + "</div>" + Messages.render(m.type(), m.payload()) + "</li>"));
      }
      for (Event e : EventStore.list(h, projectId, null, null, c.id(), null, TIMELINE)) {
        entries.add(new Entry(e.receivedAt(), 0, "<li class=\"event\"><div class=\"meta\">event " + Html.link(Ui.base(projectId)
            + "/events/" + e.id(), e.id()) + " · " + esc(e.type()) + " · " + esc(e.source()) + " · " + Html.time(e.receivedAt())
            + "</div>" + Html.badge(e.status()) + "<details><summary>Details</summary>" + EventPages.result(e)
            + Html.pre(e.payload().toPrettyString()) + "</details></li>"));
      }
      for (Delivery d : OutboxStore.deliveriesOfConversation(h, c.id(), TIMELINE)) {
        entries.add(new Entry(d.createdAt(), 2, "<li class=\"delivery\"><div class=\"meta\">delivery " + esc(d.id()) + " · "
            + Html.time(d.createdAt()) + "</div>" + Html.badge(d.status()) + " to " + Html.link(Ui.base(projectId)
            + "/subscriptions/" + d.subscriptionId(), d.subscriptionId()) + " · " + d.attempts() + " attempt(s)"
            + (d.lastStatus() == null ? "" : " · HTTP " + d.lastStatus()) + (d.lastError() == null ? "" : " · " + esc(d.lastError())) + "</li>"));
      }
      return null;
    });
    entries.sort(Comparator.comparingLong(Entry::at).thenComparingInt(Entry::order));
    StringBuilder out = new StringBuilder("<ol class=\"timeline\">");
    entries.forEach(e -> out.append(e.html()));
    return out.append("</ol>").toString();
  }

  private void status(Ui ui, String action) {
    String projectId = ui.project(Permission.CONVERSATION);
    Conversation c = owned(ui, projectId);
    switch (action) {
      case "handoff" -> ui.core.conversations().handoff(c.id(), true);
      case "release" -> ui.core.conversations().handoff(c.id(), false);
      default -> ui.core.conversations().end(c.id());
    }
    ui.redirect(Ui.base(projectId) + "/conversations/" + c.id());
  }

  private void say(Ui ui) {
    String projectId = ui.project(Permission.CONVERSATION);
    Conversation c = owned(ui, projectId);
    String text = ui.form("text");
    if (text == null || text.isEmpty()) throw Problem.invalid("text", "write a message first");
    ui.core.conversations().operatorMessage(c.id(), "text", Json.object().put("text", text));
    ui.redirect(Ui.base(projectId) + "/conversations/" + c.id());
  }
}
