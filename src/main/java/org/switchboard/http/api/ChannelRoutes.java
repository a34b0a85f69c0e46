package org.switchboard.http.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import org.switchboard.Core;
import org.switchboard.auth.Permission;
import org.switchboard.http.Api;
import org.switchboard.http.Guard;
import org.switchboard.http.Requests;
import org.switchboard.model.Channel;
import org.switchboard.model.Json;
import org.switchboard.model.Page;
import org.switchboard.model.Times;
import org.switchboard.model.Views;
import org.switchboard.store.ChannelStore;

/** Channels: a bot reached through another platform's API, with the URL that platform's clients call. */
public final class ChannelRoutes {
  private final Core core;
  private final Guard guard;

  public ChannelRoutes(Core core, Guard guard) {
    this.core = core;
    this.guard = guard;
  }

  public void register(Api api) {
    api.post("/v1/projects/{projectId}/channels", "Channels", "Create a channel (checks its response endpoint)", this::create, 201, 400, 401, 403, 404, 422)
        .get("/v1/projects/{projectId}/channels", "Channels", "List channels", this::list, 200, 400, 401, 403, 404)
        .get("/v1/channels/{channelId}", "Channels", "Get a channel", this::get, 200, 401, 403, 404)
        .patch("/v1/channels/{channelId}", "Channels", "Change a channel's bot or response endpoint", this::update, 200, 400, 401, 403, 404, 422)
        .delete("/v1/channels/{channelId}", "Channels", "Delete a channel and its subscription", this::delete, 204, 401, 403, 404);
  }

  /** Where the channel's platform clients send messages. */
  static String webhookUrl(Context ctx, Channel c) {
    return ctx.scheme() + "://" + ctx.host() + "/api/botpress/messaging/" + c.id();
  }

  private ObjectNode view(Context ctx, Channel c) {
    ObjectNode node = Json.object().put("id", c.id()).put("projectId", c.projectId()).put("type", c.type())
        .put("botId", c.botId()).put("webhookUrl", webhookUrl(ctx, c))
        .put("responseEndpointUrl", c.responseEndpointUrl()).put("subscriptionId", c.subscriptionId());
    if (guard.principal(ctx).may(c.projectId(), Permission.ADMIN)) node.put("secret", core.channels().secretOf(c));
    return node.put("createdAt", Times.iso(c.createdAt())).put("updatedAt", Times.iso(c.updatedAt()));
  }

  private void create(Context ctx) {
    String projectId = guard.project(ctx, Permission.ADMIN);
    Channel c = core.channels().create(projectId, Requests.json(ctx, core.config().maxBodyBytes()));
    ctx.status(201).json(view(ctx, c));
  }

  private void list(Context ctx) {
    String projectId = guard.project(ctx, Permission.READ);
    int limit = Requests.limit(ctx);
    String cursor = Requests.cursor(ctx, "chn_");
    var rows = core.db().read(h -> ChannelStore.list(h, projectId, cursor, limit + 1));
    ctx.json(Views.page(Page.of(rows, limit, Channel::id), c -> view(ctx, c)));
  }

  private Channel channel(Context ctx, Permission permission) {
    String id = Requests.id(ctx, "channelId", "chn_", "channel");
    Channel c = core.channels().get(id);
    guard.owned(ctx, c.projectId(), permission, "channel " + id);
    return c;
  }

  private void get(Context ctx) { ctx.json(view(ctx, channel(ctx, Permission.READ))); }

  private void update(Context ctx) {
    Channel c = channel(ctx, Permission.ADMIN);
    ctx.json(view(ctx, core.channels().update(c.id(), Requests.json(ctx, core.config().maxBodyBytes()))));
  }

  private void delete(Context ctx) {
    Channel c = channel(ctx, Permission.ADMIN);
    core.channels().delete(c.id());
    ctx.status(204);
  }
}
