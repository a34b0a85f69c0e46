package org.switchboard.http.api;

import io.javalin.http.Context;
import org.switchboard.Core;
import org.switchboard.auth.Permission;
import org.switchboard.http.Api;
import org.switchboard.http.Guard;
import org.switchboard.http.Requests;
import org.switchboard.model.Views;
import org.switchboard.model.Event;
import org.switchboard.model.Json;
import org.switchboard.model.Page;
import org.switchboard.model.Problem;
import org.switchboard.store.EventStore;

/** The event log and replays. */
public final class EventRoutes {
  private static final java.util.Set<String> STATUSES =
      java.util.Set.of(Event.ACCEPTED, Event.PROCESSING, Event.COMPLETED, Event.FAILED, Event.DROPPED);
  private final Core core;
  private final Guard guard;

  public EventRoutes(Core core, Guard guard) {
    this.core = core;
    this.guard = guard;
  }

  public void register(Api api) {
    api.get("/v1/events/{eventId}", "Events", "Get an event with its result", this::get, 200, 401, 403, 404)
        .get("/v1/projects/{projectId}/events", "Events", "List events by trigger, status or conversation", this::list, 200, 400, 401, 403, 404)
        .post("/v1/events/{eventId}/replay", "Events", "Run an event's payload again as a new event", this::replay, 202, 401, 403, 404, 409);
  }

  private Event event(Context ctx, Permission permission) {
    String id = Requests.id(ctx, "eventId", "evt_", "event");
    Event e = core.db().read(h -> EventStore.find(h, id)).orElseThrow(() -> Problem.notFound("event " + id));
    guard.owned(ctx, e.projectId(), permission, "event " + id);
    return e;
  }

  private void get(Context ctx) {
    ctx.json(Views.event(event(ctx, Permission.READ)));
  }

  private void list(Context ctx) {
    String projectId = guard.project(ctx, Permission.READ);
    String status = ctx.queryParam("status");
    if (status != null && !STATUSES.contains(status)) throw Problem.badRequest("status must be one of " + STATUSES);
    String triggerId = ctx.queryParam("triggerId");
    String conversationId = ctx.queryParam("conversationId");
    int limit = Requests.limit(ctx);
    String cursor = Requests.cursor(ctx, "evt_");
    var rows = core.db().read(h -> EventStore.list(h, projectId, triggerId, status, conversationId, cursor, limit + 1));
    ctx.json(Views.page(Page.of(rows, limit, Event::id), Views::event));
  }

  private void replay(Context ctx) {
    Event original = event(ctx, Permission.TRIGGER);
    Event replayed = core.conversations().replay(original.id());
    ctx.status(202).json(Json.object().put("eventId", replayed.id()).put("conversationId", replayed.conversationId())
        .put("status", "accepted").put("replayOf", original.id()));
  }
}
