package org.switchboard.http.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.Optional;
import org.switchboard.Core;
import org.switchboard.auth.Permission;
import org.switchboard.auth.Principal;
import org.switchboard.delivery.Replies;
import org.switchboard.http.Api;
import org.switchboard.http.Guard;
import org.switchboard.http.RequestView;
import org.switchboard.http.Requests;
import org.switchboard.model.Views;
import org.switchboard.intake.TriggerIntake;
import org.switchboard.model.Event;
import org.switchboard.model.Json;
import org.switchboard.model.Page;
import org.switchboard.model.Problem;
import org.switchboard.model.Trigger;
import org.switchboard.store.TriggerStore;

/** Trigger management and the native invocation endpoint. */
public final class TriggerRoutes {
  private final Core core;
  private final Guard guard;

  public TriggerRoutes(Core core, Guard guard) {
    this.core = core;
    this.guard = guard;
  }

  public void register(Api api) {
    api.post("/v1/projects/{projectId}/triggers", "Triggers", "Create a trigger", this::create, 201, 400, 401, 403, 404, 409, 422)
        .get("/v1/projects/{projectId}/triggers", "Triggers", "List triggers", this::list, 200, 401, 403, 404)
        .get("/v1/triggers/{triggerId}", "Triggers", "Get a trigger", this::get, 200, 401, 403, 404)
        .patch("/v1/triggers/{triggerId}", "Triggers", "Change a trigger, pause or resume it", this::update, 200, 400, 401, 403, 404, 409, 422)
        .delete("/v1/triggers/{triggerId}", "Triggers", "Delete a trigger", this::delete, 204, 401, 403, 404)
        .post("/v1/triggers/{triggerId}/rotate-secret", "Triggers", "Replace the trigger secret", this::rotate, 200, 401, 403, 404)
        .post("/v1/triggers/{triggerId}/events", "Triggers", "Invoke a trigger with any JSON event", this::invoke,
            200, 202, 400, 401, 403, 404, 408, 409, 413, 415, 429);
  }

  static String invocationUrl(Context ctx, String triggerId) {
    return ctx.scheme() + "://" + ctx.host() + "/v1/triggers/" + triggerId + "/events";
  }

  private ObjectNode view(Context ctx, Trigger t, Principal p) {
    String secret = p.may(t.projectId(), Permission.ADMIN) ? core.triggers().secretOf(t) : null;
    return Views.trigger(t, invocationUrl(ctx, t.id()), secret);
  }

  private void create(Context ctx) {
    String projectId = guard.project(ctx, Permission.ADMIN);
    Principal p = guard.principal(ctx);
    Trigger t = core.triggers().create(projectId, Requests.json(ctx, core.config().maxBodyBytes()));
    ctx.status(201).json(view(ctx, t, p));
  }

  private void list(Context ctx) {
    String projectId = guard.project(ctx, Permission.READ);
    Principal p = guard.principal(ctx);
    int limit = Requests.limit(ctx);
    String cursor = Requests.cursor(ctx, "trg_");
    var rows = core.db().read(h -> TriggerStore.list(h, projectId, cursor, limit + 1));
    ctx.json(Views.page(Page.of(rows, limit, Trigger::id), t -> view(ctx, t, p)));
  }

  private Trigger trigger(Context ctx, Permission permission) {
    String id = Requests.id(ctx, "triggerId", "trg_", "trigger");
    Trigger t = core.triggers().get(id);
    guard.owned(ctx, t.projectId(), permission, "trigger " + id);
    return t;
  }

  private void get(Context ctx) {
    Trigger t = trigger(ctx, Permission.READ);
    ctx.json(view(ctx, t, guard.principal(ctx)));
  }

  private void update(Context ctx) {
    Trigger t = trigger(ctx, Permission.ADMIN);
    Trigger changed = core.triggers().update(t.id(), Requests.json(ctx, core.config().maxBodyBytes()));
    ctx.json(view(ctx, changed, guard.principal(ctx)));
  }

  private void delete(Context ctx) {
    Trigger t = trigger(ctx, Permission.ADMIN);
    core.triggers().delete(t.id());
    ctx.status(204);
  }

  private void rotate(Context ctx) {
    Trigger t = trigger(ctx, Permission.ADMIN);
    ctx.json(Json.object().put("id", t.id()).put("secret", core.triggers().rotateSecret(t.id())));
  }

  /** The route's answer: its status and JSON body. */
  public record Answer(int status, ObjectNode body) {}

  private void invoke(Context ctx) {
    Answer answer = invoke(RequestView.of(ctx), ctx.pathParam("triggerId"));
    ctx.status(answer.status()).json(answer.body());
  }

  /**
   * {@code POST /v1/triggers/{triggerId}/events}, for the Javalin route and the bare Jetty handler in front of it
   * ({@link org.switchboard.http.TriggerEndpoint}) alike. Failures are thrown as {@link Problem}s.
   */
  public Answer invoke(RequestView request, String rawTriggerId) {
    String id = Requests.id(rawTriggerId, "trg_", "trigger");
    TriggerIntake intake = core.triggerIntake();
    Trigger trigger = intake.activeTrigger(id);
    intake.authorize(trigger, Requests.token(request), TriggerIntake.CredentialRule.SECRET_OR_KEY);
    var payload = Requests.payload(request, core.config().maxBodyBytes());
    var contact = Requests.contactFromQuery(request);
    String idempotencyKey = Requests.idempotencyKey(request);
    String session = request.queryParam("session");
    if (session != null && (session.isBlank() || session.length() > 255)) {
      throw Problem.badRequest("session must be 1 to 255 characters");
    }
    var outcome = intake.invoke(trigger, new TriggerIntake.Invocation(payload, Requests.headers(request),
        Requests.query(request), session, contact, idempotencyKey, "native", Json.object()));
    return answer(core.replies(), outcome);
  }

  /** The native answer for a stored event: 202, 200 or 408 as the trigger waits, 400/409 for drops. */
  static Answer answer(Replies replies, TriggerIntake.Outcome outcome) {
    Trigger trigger = outcome.trigger();
    Event event = outcome.event();
    if (Event.DROPPED.equals(event.status())) throw dropped(event);
    ObjectNode body = Json.object().put("eventId", event.id()).put("conversationId", event.conversationId());
    if (!trigger.waitForResponse()) return new Answer(202, body.put("status", "accepted"));
    Optional<Replies.Finished> done = replies.await(event.id(), trigger.responseTimeoutMs(), outcome.handedOver());
    if (done.isEmpty()) return new Answer(408, body.put("status", "processing"));
    Event finished = done.get().event();
    body.put("status", finished.status());
    var messages = body.putArray("messages");
    done.get().messages().forEach(m -> messages.add(Views.message(m)));
    if (Event.FAILED.equals(finished.status())) body.put("error", finished.result().path("error").asText(null));
    return new Answer(200, body);
  }

  static Problem dropped(Event event) {
    if ("duplicate".equals(event.dropReason())) {
      return Problem.conflict("an event with the same body was received within the duplicate window")
          .with("reason", "duplicate").with("eventId", event.id()).with("originalEventId", event.originalEventId());
    }
    return Problem.badRequest("the trigger's filter did not match this event")
        .with("reason", "filter").with("eventId", event.id());
  }
}
