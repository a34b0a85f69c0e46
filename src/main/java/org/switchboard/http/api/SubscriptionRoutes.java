package org.switchboard.http.api;

import io.javalin.http.Context;
import java.util.Set;
import org.switchboard.Core;
import org.switchboard.auth.Permission;
import org.switchboard.auth.Principal;
import org.switchboard.http.Api;
import org.switchboard.http.Guard;
import org.switchboard.http.Requests;
import org.switchboard.model.Delivery;
import org.switchboard.model.Json;
import org.switchboard.model.Page;
import org.switchboard.model.Problem;
import org.switchboard.model.Subscription;
import org.switchboard.model.Views;
import org.switchboard.store.OutboxStore;
import org.switchboard.store.SubscriptionStore;

/** Subscriptions, their deliveries with every attempt, and manual retries. */
public final class SubscriptionRoutes {
  private static final Set<String> STATUSES = Set.of(Delivery.PENDING, Delivery.SUCCEEDED, Delivery.FAILED);
  private final Core core;
  private final Guard guard;

  public SubscriptionRoutes(Core core, Guard guard) {
    this.core = core;
    this.guard = guard;
  }

  public void register(Api api) {
    api.post("/v1/projects/{projectId}/subscriptions", "Subscriptions", "Subscribe a URL to topics", this::create, 201, 400, 401, 403, 404, 422)
        .get("/v1/projects/{projectId}/subscriptions", "Subscriptions", "List subscriptions", this::list, 200, 401, 403, 404)
        .get("/v1/subscriptions/{subscriptionId}", "Subscriptions", "Get a subscription", this::get, 200, 401, 403, 404)
        .patch("/v1/subscriptions/{subscriptionId}", "Subscriptions", "Change a subscription, disable or enable it", this::update, 200, 400, 401, 403, 404, 422)
        .delete("/v1/subscriptions/{subscriptionId}", "Subscriptions", "Delete a subscription", this::delete, 204, 401, 403, 404)
        .post("/v1/subscriptions/{subscriptionId}/rotate-secret", "Subscriptions",
            "Replace the signing secret; the old one keeps signing for 24 hours", this::rotate, 200, 401, 403, 404)
        .get("/v1/subscriptions/{subscriptionId}/deliveries", "Subscriptions", "Deliveries with every attempt", this::deliveries, 200, 400, 401, 403, 404)
        .get("/v1/deliveries/{deliveryId}", "Subscriptions", "Get a delivery with every attempt", this::delivery, 200, 401, 403, 404)
        .post("/v1/deliveries/{deliveryId}/retry", "Subscriptions",
            "Send a delivery again now (409 while an attempt is under way)", this::retry, 202, 401, 403, 404, 409);
  }

  private void create(Context ctx) {
    String projectId = guard.project(ctx, Permission.ADMIN);
    Subscription s = core.subscriptions().create(projectId, Requests.json(ctx, core.config().maxBodyBytes()));
    ctx.status(201).json(Views.subscription(s, core.subscriptions().secretOf(s)));
  }

  private void list(Context ctx) {
    String projectId = guard.project(ctx, Permission.READ);
    Principal p = guard.principal(ctx);
    int limit = Requests.limit(ctx);
    String cursor = Requests.cursor(ctx, "sub_");
    var rows = core.db().read(h -> SubscriptionStore.list(h, projectId, cursor, limit + 1));
    ctx.json(Views.page(Page.of(rows, limit, Subscription::id), s -> view(s, p)));
  }

  private com.fasterxml.jackson.databind.node.ObjectNode view(Subscription s, Principal p) {
    return Views.subscription(s, p.may(s.projectId(), Permission.ADMIN) ? core.subscriptions().secretOf(s) : null);
  }

  private Subscription subscription(Context ctx, Permission permission) {
    String id = Requests.id(ctx, "subscriptionId", "sub_", "subscription");
    Subscription s = core.subscriptions().get(id);
    guard.owned(ctx, s.projectId(), permission, "subscription " + id);
    return s;
  }

  private void get(Context ctx) {
    ctx.json(view(subscription(ctx, Permission.READ), guard.principal(ctx)));
  }

  private void update(Context ctx) {
    Subscription s = subscription(ctx, Permission.ADMIN);
    Subscription changed = core.subscriptions().update(s.id(), Requests.json(ctx, core.config().maxBodyBytes()));
    core.notifier().deliveriesDue(); // enabled again: its pending deliveries go out
    ctx.json(view(changed, guard.principal(ctx)));
  }

  private void delete(Context ctx) {
    core.subscriptions().delete(subscription(ctx, Permission.ADMIN).id());
    ctx.status(204);
  }

  private void rotate(Context ctx) {
    Subscription s = subscription(ctx, Permission.ADMIN);
    ctx.json(Json.object().put("id", s.id()).put("secret", core.subscriptions().rotateSecret(s.id())));
  }

  private void deliveries(Context ctx) {
    Subscription s = subscription(ctx, Permission.READ);
    String status = ctx.queryParam("status");
    if (status != null && !STATUSES.contains(status)) throw Problem.badRequest("status must be one of " + STATUSES);
    int limit = Requests.limit(ctx);
    String cursor = Requests.cursor(ctx, "dlv_");
    var page = core.db().read(h -> {
      var rows = OutboxStore.deliveries(h, s.id(), status, cursor, limit + 1);
      var paged = Page.of(rows, limit, Delivery::id);
      var out = Json.object();
      var items = out.putArray("items");
      for (Delivery d : paged.items()) items.add(Views.delivery(d, OutboxStore.attempts(h, d.id())));
      out.put("nextCursor", paged.nextCursor());
      return out;
    });
    ctx.json(page);
  }

  private Delivery delivery(Context ctx, Permission permission) {
    String id = Requests.id(ctx, "deliveryId", "dlv_", "delivery");
    Delivery d = core.db().read(h -> OutboxStore.delivery(h, id)).orElseThrow(() -> Problem.notFound("delivery " + id));
    guard.owned(ctx, d.projectId(), permission, "delivery " + id);
    return d;
  }

  private void delivery(Context ctx) {
    Delivery d = delivery(ctx, Permission.READ);
    ctx.json(core.db().read(h -> Views.delivery(d, OutboxStore.attempts(h, d.id()))));
  }

  private void retry(Context ctx) {
    Delivery d = delivery(ctx, Permission.ADMIN);
    core.subscriptions().retryDelivery(d.id());
    core.notifier().deliveriesDue();
    ctx.status(202).json(Json.object().put("id", d.id()).put("status", Delivery.PENDING));
  }
}
