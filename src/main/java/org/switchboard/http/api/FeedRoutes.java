package org.switchboard.http.api;

import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.switchboard.Core;
import org.switchboard.auth.Permission;
import org.switchboard.auth.Principal;
import org.switchboard.delivery.FeedFollower;
import org.switchboard.http.Api;
import org.switchboard.http.Guard;
import org.switchboard.model.Ids;
import org.switchboard.model.Json;
import org.switchboard.model.Notification;
import org.switchboard.model.Problem;

/**
 * Live streams of a project's notifications: Server-Sent Events and a WebSocket, both resumable from a seq
 * ({@code Last-Event-ID}, or {@code ?after=}); without one they start with what happens next.
 */
public final class FeedRoutes {
  private final Core core;
  private final Guard guard;
  private final FeedFollower follower;
  private final LiveStreams streams;

  public FeedRoutes(Core core, Guard guard, LiveStreams streams) {
    this.core = core;
    this.guard = guard;
    this.streams = streams;
    this.follower = new FeedFollower(core.db(), core.notifier());
  }

  public void register(Api api) {
    api.get("/v1/projects/{projectId}/stream", "Streams",
        "Server-Sent Events of every notification (optionally ?topics=a,b); Last-Event-ID resumes", this::sse, 200, 400, 401, 403, 404);
    api.webSocket("/v1/projects/{projectId}/ws", ws -> {
      ws.onConnect(this::connect);
      ws.onClose(LiveStreams::stopFollowing);
      ws.onError(LiveStreams::stopFollowing);
    }, Api.UPGRADE_REQUIRED);
  }

  private void sse(Context ctx) {
    String projectId = guard.project(ctx, Permission.READ);
    Predicate<Notification> filter = topics(ctx.queryParam("topics"));
    String lastEventId = ctx.header("Last-Event-ID");
    long after = lastEventId != null ? start(projectId, lastEventId, "Last-Event-ID")
        : start(projectId, ctx.queryParam("after"), "after");
    streams.serveSse(ctx, sse -> follower.follow(projectId, after, filter, new FeedFollower.Sink() {
      @Override
      public void send(Notification n) throws IOException {
        sse.event(n.seq(), n.topic(), Json.write(n.envelope()));
      }

      @Override
      public void idle() throws IOException {
        sse.comment("keep-alive");
      }
    }));
  }

  private void connect(WsContext ws) {
    String projectId = ws.pathParam("projectId");
    String token = ws.header("Authorization") != null ? ws.header("Authorization").replaceFirst("(?i)^bearer\\s+", "")
        : ws.header("x-api-key") != null ? ws.header("x-api-key") : ws.queryParam("api_key");
    Principal principal = core.access().identify(token).orElse(null);
    if (principal == null) {
      ws.closeSession(4401, "unauthorized");
      return;
    }
    if (!Ids.looksLike("prj_", projectId) || !principal.may(projectId, Permission.READ)) {
      ws.closeSession(4403, "forbidden");
      return;
    }
    long after;
    try {
      after = start(projectId, ws.queryParam("after"), "after");
    } catch (Problem p) {
      ws.closeSession(4400, p.detail());
      return;
    }
    streams.followOnSocket(ws, follower, projectId, after, topics(ws.queryParam("topics")),
        n -> Json.write(Json.object().put("seq", n.seq()).set("notification", n.envelope())));
  }

  /** Where a stream starts: after the seq {@code from} (named {@code name} in the request), or at the feed's head. */
  private long start(String projectId, String from, String name) {
    if (from == null || from.isBlank()) return follower.head(projectId);
    return ConversationRoutes.seq(from, name, "a notification seq");
  }

  private static Predicate<Notification> topics(String list) {
    if (list == null || list.isBlank()) return n -> true;
    Set<String> wanted = Arrays.stream(list.split(",")).map(String::trim).filter(t -> !t.isEmpty()).collect(Collectors.toSet());
    return n -> wanted.contains(n.topic()) || wanted.stream().anyMatch(t -> t.endsWith(".*") && n.topic().startsWith(t.substring(0, t.length() - 1)));
  }

}
