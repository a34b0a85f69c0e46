package org.switchboard.http.dialect.aei;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsMessageContext;
import java.time.DateTimeException;
import java.time.ZoneId;
import org.switchboard.Core;
import org.switchboard.auth.Permission;
import org.switchboard.delivery.FeedFollower;
import org.switchboard.delivery.Outbox;
import org.switchboard.http.api.LiveStreams;
import org.switchboard.model.Bot;
import org.switchboard.model.Json;
import org.switchboard.model.Notification;
import org.switchboard.model.Problem;

/**
 * AEI's WebSocket, {@code /api/ws?botId=&userId=&timezone=&api_key=}: {@code userMessage}s go into the user's open
 * conversation with the bot; every bot message of that user and bot comes back as a {@code botMessage}, including
 * messages caused by triggers, because the socket follows the project feed rather than its own replies.
 */
final class AeiSocket {
  private final Core core;
  private final LiveStreams streams;
  private final FeedFollower follower;

  AeiSocket(Core core, LiveStreams streams) {
    this.core = core;
    this.streams = streams;
    this.follower = new FeedFollower(core.db(), core.notifier());
  }

  void configure(WsConfig ws) {
    ws.onConnect(this::connect);
    ws.onMessage(this::message);
    ws.onClose(LiveStreams::stopFollowing);
    ws.onError(LiveStreams::stopFollowing);
  }

  private record Session(String projectId, String botId, String userId, String timezone) {}

  private void connect(WsConnectContext ws) {
    String token = ws.queryParam("api_key") != null ? ws.queryParam("api_key") : ws.header("x-api-key");
    Session session;
    try {
      String projectId = AeiRoutes.project(core, token, Permission.CONVERSATION);
      String botId = ws.queryParam("botId");
      String userId = ws.queryParam("userId");
      if (botId == null || botId.isBlank() || userId == null || userId.isBlank()) throw Problem.badRequest("botId and userId are required");
      Bot bot = core.bots().get(botId);
      if (!bot.projectId().equals(projectId)) throw Problem.notFound("bot " + botId);
      String timezone = ws.queryParam("timezone");
      if (timezone != null && !timezone.isBlank()) ZoneId.of(timezone);
      session = new Session(projectId, botId, userId, timezone == null || timezone.isBlank() ? null : timezone);
    } catch (Problem p) {
      ws.closeSession(4000 + p.status(), p.detail());
      return;
    } catch (DateTimeException e) {
      ws.closeSession(4400, "timezone is not an IANA time zone");
      return;
    }
    ws.attribute("session", session);
    streams.followOnSocket(ws, follower, session.projectId(), follower.head(session.projectId()), n -> mine(session, n),
        n -> Json.write(Json.object().put("action", "botMessage")
            .put("data", Json.write(AeiMessages.botMessage(n.data().path("message"))))));
  }

  private static boolean mine(Session s, Notification n) {
    return Outbox.MESSAGE_CREATED.equals(n.topic()) && s.botId().equals(n.botId()) && s.userId().equals(n.contactExternalId());
  }

  private void message(WsMessageContext ws) {
    Session session = ws.attribute("session");
    if (session == null) return;
    try {
      JsonNode frame = Json.read(ws.message());
      if (!"userMessage".equals(frame.path("action").asText())) throw Problem.badRequest("action must be userMessage");
      JsonNode data = frame.path("data");
      if (data.isTextual()) data = Json.read(data.asText());
      ObjectNode payload = Json.object();
      if (data.path("text").isTextual()) {
        payload.put("text", data.get("text").asText());
      } else if (data.path("key").isTextual()) {
        // A button's key answers a choice like its label would; the runtime matches either.
        payload.put("text", data.get("key").asText()).put("key", data.get("key").asText());
      } else {
        throw Problem.badRequest("data must be a JSON string of {text} or {key}");
      }
      ObjectNode context = Json.object();
      if (session.timezone() != null) context.put("timezone", session.timezone());
      core.contactConversations().message(session.projectId(), session.botId(), session.userId(), "text", payload, "aei", context);
    } catch (Problem p) {
      ws.send(Json.write(Json.object().put("action", "error").put("data", p.detail())));
    } catch (RuntimeException badJson) {
      ws.send(Json.write(Json.object().put("action", "error").put("data", "the message is not valid JSON")));
    }
  }
}
