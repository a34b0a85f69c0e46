package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.http.Api;
import org.switchboard.support.DbKind;
import org.switchboard.support.FullProject;
import org.switchboard.support.Http;
import org.switchboard.support.LocalServer;
import org.switchboard.support.SseClient;
import org.switchboard.support.WsClient;
import org.switchboard.support.TestApp;

/**
 * Every endpoint against every kind of caller: no token, a wrong token, another project's admin key, the trigger's
 * secret, a key with each single permission, and the admin token. The outcomes (401, 403, 404, or let through) are kept in
 * src/test/resources/authorization-matrix.txt, read and reviewed as the access policy; any change fails here. Each
 * caller works on fresh fixtures of its own, and nothing of one project may show in answers to another's key.
 */
class AuthorizationMatrixTest {
  private static final Path MATRIX = Path.of("src/test/resources/authorization-matrix.txt");
  private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z]+)}");
  private static final List<String> CALLERS = List.of("none", "wrong", "other", "secret", "read", "trigger",
      "conversation", "admin", "adminToken");

  static TestApp app;
  static LocalServer receiver;

  @BeforeAll
  static void start() throws Exception {
    receiver = new LocalServer(r -> LocalServer.Answer.json(200, Map.of("ok", true)));
    app = TestApp.start(DbKind.SQLITE, Map.of("SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE", "true"), true);
  }

  @AfterAll
  static void stop() {
    app.close();
    receiver.close();
  }

  private static String token(String caller, FullProject f) {
    return switch (caller) {
      case "none" -> null;
      case "wrong" -> "sk_not_a_real_key_0000000000000000000000";
      case "other" -> app.apiKey(app.project("stranger"), "project.admin");
      case "adminToken" -> TestApp.ADMIN;
      case "secret" -> f.triggerSecret();
      default -> app.apiKey(f.ids().get("projectId"), "project." + caller);
    };
  }

  @Test
  void everyEndpointAgainstEveryCaller() throws Exception {
    List<Api.Route> routes = app.app.routes();
    Map<String, Map<String, String>> outcomes = new TreeMap<>();
    List<String> leaks = new ArrayList<>();
    for (String caller : CALLERS) {
      FullProject shared = FullProject.create(app, receiver);
      String sharedToken = token(caller, shared);
      for (Api.Route route : routes) {
        // A deletion gets fixtures of its own, so it takes nothing away from the other calls.
        boolean deletes = route.method().name().equals("DELETE") || route.path().endsWith("/delete");
        FullProject f = deletes ? FullProject.create(app, receiver) : shared;
        String token = deletes ? token(caller, f) : sharedToken;
        String path = PARAM.matcher(route.path()).replaceAll(m -> Matcher.quoteReplacement(f.ids().getOrDefault(m.group(1), "x")));
        Answer r = call(route, path, token);
        outcomes.computeIfAbsent(route.method().name() + " " + route.path(), k -> new LinkedHashMap<>())
            .put(caller, outcome(r.status()));
        if (List.of("none", "wrong", "other").contains(caller) && r.body().contains(f.marker())) {
          leaks.add(caller + " " + route.method().name() + " " + path + " -> " + r.status() + " " + r.body());
        }
      }
      // WebSockets take the key as ?api_key= (browsers cannot set headers) and refuse with a close code.
      String key = sharedToken == null ? "" : "&api_key=" + sharedToken;
      String ws = app.admin.base().replace("http://", "ws://");
      outcomes.computeIfAbsent("WS /v1/projects/{projectId}/ws", k -> new LinkedHashMap<>())
          .put(caller, webSocket(ws + "/v1/projects/" + shared.ids().get("projectId") + "/ws?x=1" + key));
      outcomes.computeIfAbsent("WS /api/ws", k -> new LinkedHashMap<>())
          .put(caller, webSocket(ws + "/api/ws?userId=u1&botId=" + shared.ids().get("botId") + key));
    }
    StringBuilder table = new StringBuilder("# endpoint | " + String.join(" ", CALLERS)
        + "\n# ok = let through (2xx, or a 4xx about the request itself); 401, 403, 404 = refused;"
        + " WebSockets: ok = open, 44xx = closed with that code\n");
    outcomes.forEach((route, byCaller) -> table.append(route).append(" |")
        .append(byCaller.values().stream().map(o -> " " + o).reduce("", String::concat)).append('\n'));
    if (Boolean.getBoolean("switchboard.updateMatrix")) Files.writeString(MATRIX, table);
    assertThat(leaks).as("answers that show another project's data").isEmpty();
    assertThat(table.toString()).as("the access policy changed; review, then rerun with -Dswitchboard.updateMatrix=true")
        .isEqualTo(Files.readString(MATRIX));
  }

  /** Credentials where each endpoint family looks for them: Bearer, and x-api-key for the dialects that use it. */
  private record Answer(int status, String body) {}

  private static Answer call(Api.Route route, String path, String token) throws Exception {
    if (path.endsWith("/stream")) {
      try (SseClient stream = new SseClient(app.admin.base() + path, token, null)) {
        return new Answer(stream.status(), ""); // a stream let through stays open; its status says enough
      }
    }
    Map<String, String> headers = new HashMap<>();
    if (token != null) {
      headers.put("Authorization", "Bearer " + token);
      headers.put("x-api-key", token);
    }
    Object body = route.method().name().equals("GET") || route.method().name().equals("DELETE") ? null : Map.of();
    Http.Response r = app.anonymous().send(route.method().name(), path, body, headers);
    return new Answer(r.status(), r.body());
  }

  private static String webSocket(String url) {
    try (WsClient ws = new WsClient(url)) {
      Integer code = ws.closeStatusWithin(1_000);
      return code == null ? "ok" : String.valueOf(code);
    } catch (Exception refusedBeforeUpgrade) {
      return "refused";
    }
  }

  private static String outcome(int status) {
    return status == 401 || status == 403 || status == 404 ? String.valueOf(status) : "ok";
  }
}
