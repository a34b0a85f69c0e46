package org.switchboard.http.dialect.chatbotkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.switchboard.Core;
import org.switchboard.auth.Permission;
import org.switchboard.auth.Principal;
import org.switchboard.http.Api;
import org.switchboard.http.Guard;
import org.switchboard.http.Requests;
import org.switchboard.model.Ids;
import org.switchboard.model.Json;
import org.switchboard.model.Page;
import org.switchboard.model.Problem;
import org.switchboard.model.Trigger;
import org.switchboard.store.TriggerStore;

/**
 * ChatBotKit's trigger integration management API, as {@code @chatbotkit/sdk}'s {@code client.integration.trigger}
 * calls it. The Bearer token is a project API key with project.admin; its project is the scope.
 */
public final class ChatBotKitManagementRoutes {
  private static final String BASE = "/api/v1/integration/trigger";
  private final Core core;
  private final Guard guard;

  public ChatBotKitManagementRoutes(Core core, Guard guard) {
    this.core = core;
    this.guard = guard;
  }

  public void register(Api api) {
    String tag = "ChatBotKit dialect";
    api.post(BASE + "/create", tag, "Create a trigger integration", wrap(this::create), 200, 400, 401, 403, 409, 422)
        .get(BASE + "/list", tag, "List trigger integrations", wrap(this::list), 200, 400, 401, 403)
        .get(BASE + "/{triggerId}/fetch", tag, "Fetch a trigger integration", wrap(this::fetch), 200, 401, 403, 404)
        .post(BASE + "/{triggerId}/update", tag, "Update a trigger integration", wrap(this::update), 200, 400, 401, 403, 404, 409, 422)
        .post(BASE + "/{triggerId}/delete", tag, "Delete a trigger integration", wrap(this::delete), 200, 401, 403, 404)
        .post(BASE + "/{triggerId}/setup", tag, "Set up a trigger integration's schedule", wrap(this::setup), 200, 401, 403, 404)
        .post(BASE + "/{triggerId}/invoke", tag, "Fire a trigger integration now", wrap(this::invoke), 200, 401, 403, 404, 409);
  }

  private static Handler wrap(Handler handler) {
    return ctx -> ChatBotKitRoutes.withErrors(ctx, () -> {
      try {
        handler.handle(ctx);
      } catch (Problem p) {
        throw new Problem(p.status(), p.title(), TriggerRecords.message(p));
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** The caller's project: ChatBotKit has no project in its paths, so the key names it. */
  private String scope(Context ctx) {
    Principal p = guard.principal(ctx);
    if (p.admin()) throw Problem.forbidden("use a project API key with project.admin; the key's project is the scope");
    p.require(p.projectId(), Permission.ADMIN);
    return p.projectId();
  }

  private Trigger owned(Context ctx) {
    String projectId = scope(ctx);
    String id = ctx.pathParam("triggerId");
    if (!Ids.looksLike("trg_", id)) throw Problem.notFound("trigger integration '" + Requests.abbreviate(id) + "'");
    Trigger t = core.triggers().get(id);
    if (!t.projectId().equals(projectId)) throw Problem.notFound("trigger integration " + id);
    return t;
  }

  private JsonNode body(Context ctx) {
    JsonNode body = Requests.json(ctx, core.config().maxBodyBytes());
    return body.isNull() ? Json.object() : body;
  }

  private void create(Context ctx) {
    String projectId = scope(ctx);
    String defaultName = "Trigger " + Ids.next("").substring(16);
    Trigger t = core.triggers().create(projectId, TriggerRecords.toNative(body(ctx), null, defaultName));
    ctx.json(Json.object().put("id", t.id()));
  }

  private void list(Context ctx) {
    String projectId = scope(ctx);
    String order = ctx.queryParam("order") == null ? "desc" : ctx.queryParam("order");
    if (!order.equals("asc") && !order.equals("desc")) throw Problem.badRequest("order must be asc or desc");
    int take = Requests.pageSize(ctx, "take");
    String cursor = ctx.queryParam("cursor");
    if (cursor != null && !cursor.isEmpty() && !Ids.looksLike("trg_", cursor)) {
      throw Problem.badRequest("cursor is not one this API handed out");
    }
    Map<String, String> meta = new LinkedHashMap<>();
    ctx.queryParamMap().forEach((k, v) -> {
      if (k.startsWith("meta.") && !v.isEmpty()) meta.put(k.substring(5), v.get(0));
    });
    // Meta is matched here rather than in SQL (JSON differs across databases); a project's triggers are few.
    List<Trigger> items = new ArrayList<>();
    String after = cursor == null || cursor.isEmpty() ? null : cursor;
    boolean more = true;
    while (items.size() < take && more) {
      String from = after;
      List<Trigger> rows = core.db().read(h -> TriggerStore.list(h, projectId, from, order.equals("asc"), Page.MAX_LIMIT));
      more = rows.size() == Page.MAX_LIMIT;
      for (Trigger t : rows) {
        after = t.id();
        if (matches(t, meta)) items.add(t);
        if (items.size() == take) break;
      }
    }
    ObjectNode answer = Json.object();
    ArrayNode array = answer.putArray("items");
    items.forEach(t -> array.add(TriggerRecords.toRecord(t, core.triggers().secretOf(t))));
    answer.put("cursor", items.size() == take ? items.get(items.size() - 1).id() : null);
    ctx.json(answer);
  }

  private static boolean matches(Trigger t, Map<String, String> meta) {
    for (var e : meta.entrySet()) {
      JsonNode value = t.meta().get(e.getKey());
      if (value == null || !(value.isValueNode() ? value.asText() : Json.write(value)).equals(e.getValue())) return false;
    }
    return true;
  }

  private void fetch(Context ctx) {
    Trigger t = owned(ctx);
    ctx.json(TriggerRecords.toRecord(t, core.triggers().secretOf(t)));
  }

  private void update(Context ctx) {
    Trigger t = owned(ctx);
    core.triggers().update(t.id(), TriggerRecords.toNative(body(ctx), t, null));
    ctx.json(Json.object().put("id", t.id()));
  }

  private void delete(Context ctx) {
    Trigger t = owned(ctx);
    core.triggers().delete(t.id());
    ctx.json(Json.object().put("id", t.id()));
  }

  /** ChatBotKit's setup registers the schedule; here that means computing its next slot from now. */
  private void setup(Context ctx) {
    Trigger t = owned(ctx);
    if (t.schedule() != null) core.triggers().update(t.id(), Json.object().set("schedule", t.schedule()));
    ctx.json(Json.object().put("id", t.id()));
  }

  private void invoke(Context ctx) {
    Trigger t = owned(ctx);
    var event = core.scheduler().invokeNow(t.id());
    ctx.json(Json.object().put("id", t.id()).put("eventId", event.id()).put("conversationId", event.conversationId()));
  }
}
