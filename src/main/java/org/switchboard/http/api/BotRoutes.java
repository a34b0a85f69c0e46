package org.switchboard.http.api;

import io.javalin.http.Context;
import org.switchboard.Core;
import org.switchboard.auth.Permission;
import org.switchboard.http.Api;
import org.switchboard.http.Guard;
import org.switchboard.http.Requests;
import org.switchboard.model.Views;
import org.switchboard.model.Bot;
import org.switchboard.model.Json;
import org.switchboard.model.Page;
import org.switchboard.model.Times;
import org.switchboard.store.BotStore;

/** Bots, drafts, publishing and versions. */
public final class BotRoutes {
  private final Core core;
  private final Guard guard;

  public BotRoutes(Core core, Guard guard) {
    this.core = core;
    this.guard = guard;
  }

  public void register(Api api) {
    api.post("/v1/projects/{projectId}/bots", "Bots", "Create a bot from a flow definition", this::create, 201, 400, 401, 403, 404, 409, 422)
        .get("/v1/projects/{projectId}/bots", "Bots", "List bots", this::list, 200, 401, 403, 404)
        .get("/v1/bots/{botId}", "Bots", "Get a bot with its draft and published version", this::get, 200, 401, 403, 404)
        .put("/v1/bots/{botId}/draft", "Bots", "Replace the draft definition", this::draft, 200, 400, 401, 403, 404, 422)
        .post("/v1/bots/{botId}/publish", "Bots", "Publish the draft as the next immutable version", this::publish, 201, 401, 403, 404)
        .get("/v1/bots/{botId}/versions", "Bots", "List published versions", this::versions, 200, 401, 403, 404);
  }

  private void create(Context ctx) {
    String projectId = guard.project(ctx, Permission.ADMIN);
    Bot bot = core.bots().create(projectId, Requests.json(ctx, core.config().maxBodyBytes()));
    ctx.status(201).json(Views.bot(bot));
  }

  private void list(Context ctx) {
    String projectId = guard.project(ctx, Permission.READ);
    int limit = Requests.limit(ctx);
    String cursor = Requests.cursor(ctx, "bot_");
    var rows = core.db().read(h -> BotStore.list(h, projectId, cursor, limit + 1));
    ctx.json(Views.page(Page.of(rows, limit, Bot::id), Views::bot));
  }

  private Bot bot(Context ctx, Permission permission) {
    String id = Requests.id(ctx, "botId", "bot_", "bot");
    Bot bot = core.bots().get(id);
    guard.owned(ctx, bot.projectId(), permission, "bot " + id);
    return bot;
  }

  private void get(Context ctx) {
    ctx.json(Views.bot(bot(ctx, Permission.READ)));
  }

  private void draft(Context ctx) {
    Bot bot = bot(ctx, Permission.ADMIN);
    ctx.json(Views.bot(core.bots().updateDraft(bot.id(), Requests.json(ctx, core.config().maxBodyBytes()))));
  }

  private void publish(Context ctx) {
    Bot bot = bot(ctx, Permission.ADMIN);
    var version = core.bots().publish(bot.id());
    ctx.status(201).json(Json.object().put("botId", bot.id()).put("version", version.version())
        .put("publishedAt", Times.iso(version.publishedAt())));
  }

  private void versions(Context ctx) {
    Bot bot = bot(ctx, Permission.READ);
    ctx.json(Views.items(core.bots().versions(bot.id()), Views::version));
  }
}
