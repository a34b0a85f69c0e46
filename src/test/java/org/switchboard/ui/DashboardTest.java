package org.switchboard.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.support.BothDatabases;
import org.switchboard.support.TestApp;

/** The dashboard over real HTTP: sign-in, cookie flags, CSRF, every page, actions, escaping and project isolation. */
class DashboardTest extends BothDatabases {
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  /** A browser-like client: keeps cookies, does not follow redirects. */
  private final class Browser {
    final HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    String csrf;

    HttpResponse<String> get(String path) throws Exception {
      var r = client.send(HttpRequest.newBuilder(URI.create(app.admin.base() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
      Matcher m = CSRF.matcher(r.body());
      if (m.find()) csrf = m.group(1);
      return r;
    }

    HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
      Map<String, String> fields = new LinkedHashMap<>(form);
      if (csrf != null) fields.putIfAbsent("_csrf", csrf);
      String body = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
          + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
      return client.send(HttpRequest.newBuilder(URI.create(app.admin.base() + path))
          .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    Browser signIn(String token) throws Exception {
      var r = post("/ui/signin", Map.of("token", token));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
      get("/ui/projects");
      return this;
    }
  }

  private String project;
  private String bot;
  private JsonNode trigger;

  @BeforeEach
  void data() {
    project = app.project("ui");
    bot = app.bot(project, TestApp.ECHO);
    trigger = app.trigger(project, bot, Map.of("name", "<script>alert(1)</script>", "waitForResponse", true));
  }

  @Test
  void signInSetsAStrictHttpOnlyCookieAndWrongTokensAreRefused() throws Exception {
    Browser b = new Browser();
    assertThat(b.get("/ui/projects").statusCode()).as("signed out goes to the sign-in page").isEqualTo(303);
    assertThat(b.get("/ui").body()).contains("name=\"token\"");
    assertThat(b.post("/ui/signin", Map.of("token", "wrong")).statusCode()).isEqualTo(401);
    var ok = b.post("/ui/signin", Map.of("token", TestApp.ADMIN));
    String cookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).contains("HttpOnly").containsIgnoringCase("SameSite=Strict").contains("Path=/ui");
    assertThat(cookie).doesNotContain(TestApp.ADMIN);
    var page = b.get("/ui/projects");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'self'");
    assertThat(page.body()).contains(project);
  }

  @Test
  void formsWithoutTheCsrfTokenAreRefused() throws Exception {
    Browser b = new Browser().signIn(TestApp.ADMIN);
    String token = b.csrf;
    b.csrf = null;
    var forged = b.post("/ui/p/" + project + "/triggers/" + trigger.get("id").asText() + "/pause", Map.of("_csrf", "forged"));
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(app.admin.get("/v1/triggers/" + trigger.get("id").asText()).json().get("status").asText()).isEqualTo("active");
    b.csrf = token;
    var paused = b.post("/ui/p/" + project + "/triggers/" + trigger.get("id").asText() + "/pause", Map.of());
    assertThat(paused.statusCode()).isEqualTo(303);
    assertThat(app.admin.get("/v1/triggers/" + trigger.get("id").asText()).json().get("status").asText()).isEqualTo("paused");
  }

  @Test
  void everyPageRendersAndEscapesWhatUsersWrote() throws Exception {
    Browser b = new Browser().signIn(TestApp.ADMIN);
    var fired = app.client(trigger.get("secret").asText()).post("/v1/triggers/" + trigger.get("id").asText() + "/events",
        Map.of("n", "<b>bold</b>"));
    String conversation = fired.json().get("conversationId").asText();
    String base = "/ui/p/" + project;
    for (String page : new String[] {"/conversations", "/conversations/" + conversation, "/conversations/" + conversation + "/timeline",
        "/events", "/events/" + fired.json().get("eventId").asText(), "/bots", "/bots/" + bot, "/triggers", "/triggers/new",
        "/triggers/" + trigger.get("id").asText(), "/channels", "/subscriptions", "/keys", "/analytics", "/analytics?by=status"}) {
      var r = b.get(base + page);
      assertThat(r.statusCode()).as(page + ": " + r.body()).isEqualTo(200);
      assertThat(r.body()).as(page).doesNotContain("<script>alert(1)</script>").doesNotContain("<b>bold</b>");
    }
    assertThat(b.get(base + "/triggers").body()).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    String timeline = b.get(base + "/conversations/" + conversation + "/timeline").body();
    assertThat(timeline).contains("echo &lt;b&gt;bold&lt;/b&gt;").contains("class=\"event\"");
    assertThat(b.get(base + "/analytics").body()).contains("<svg class=\"chart\"").contains("p95");
    assertThat(b.get(base + "/conversations?status=active&botId=" + bot).body()).contains(conversation);
    assertThat(b.get(base + "/conversations?status=ended").body()).doesNotContain(conversation);
    assertThat(b.get(base + "/conversations?status=nope").statusCode()).isEqualTo(400);
    assertThat(b.get(base + "/conversations/" + conversation + "/live?after=99999999999999999999").statusCode()).isEqualTo(400);
    assertThat(b.get(base + "/events?before=junk").statusCode()).isEqualTo(400);
    assertThat(b.get(base + "/conversations/cnv_00000000000000000000000000").statusCode()).isEqualTo(404);
  }

  @Test
  void actionsWorkThroughTheForms() throws Exception {
    Browser b = new Browser().signIn(TestApp.ADMIN);
    String base = "/ui/p/" + project;
    var invalid = b.post(base + "/bots/" + bot + "/draft", Map.of("definition", "nodes:\n  main:\n    - goto: nowhere\n"));
    assertThat(invalid.statusCode()).isEqualTo(422);
    assertThat(invalid.body()).contains("class=\"errors\"").contains("nowhere");
    assertThat(b.post(base + "/bots/" + bot + "/draft", Map.of("definition", TestApp.ECHO.replace("echo {{", "hi {{"))).statusCode()).isEqualTo(200);
    assertThat(b.post(base + "/bots/" + bot + "/publish", Map.of()).body()).contains("Published version 2");

    var key = b.post(base + "/keys", Map.of("name", "ops", "permissions", "project.read"));
    assertThat(key.statusCode()).isEqualTo(201);
    Matcher shown = Pattern.compile("data-copy=\"(sk_[^\"]+)\"").matcher(key.body());
    assertThat(shown.find()).as("the new key is shown once").isTrue();
    assertThat(b.get(base + "/keys").body()).doesNotContain(shown.group(1));

    var created = b.post(base + "/triggers", Map.of("name", "from-ui", "botId", bot, "authenticate", "true", "cron", "daily",
        "timezone", "Europe/Berlin", "missed", "none", "meta", "{\"team\":\"ops\"}"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(303);
    String triggerId = created.headers().firstValue("Location").orElseThrow().replaceAll(".*/", "");
    JsonNode t = app.admin.get("/v1/triggers/" + triggerId).json();
    assertThat(t.get("schedule").get("timezone").asText()).isEqualTo("Europe/Berlin");
    assertThat(t.get("meta").get("team").asText()).isEqualTo("ops");

    String conversation = app.admin.post("/v1/projects/" + project + "/conversations", Map.of("botId", bot)).json().get("id").asText();
    assertThat(b.post(base + "/conversations/" + conversation + "/handoff", Map.of()).statusCode()).isEqualTo(303);
    assertThat(b.post(base + "/conversations/" + conversation + "/say", Map.of("text", "A person here")).statusCode()).isEqualTo(303);
    JsonNode messages = app.admin.get("/v1/conversations/" + conversation + "/messages").json().get("items");
    assertThat(messages.get(0).get("role").asText()).isEqualTo("operator");
    assertThat(b.post(base + "/conversations/" + conversation + "/end", Map.of()).statusCode()).isEqualTo(303);
    assertThat(app.admin.get("/v1/conversations/" + conversation).json().get("status").asText()).isEqualTo("ended");

    String eventId = app.client(trigger.get("secret").asText()).post("/v1/triggers/" + trigger.get("id").asText() + "/events",
        Map.of("n", 1)).json().get("eventId").asText();
    var replay = b.post(base + "/events/" + eventId + "/replay", Map.of());
    assertThat(replay.statusCode()).isEqualTo(303);
    assertThat(replay.headers().firstValue("Location").orElseThrow()).contains("/events/evt_").doesNotContain(eventId);
  }

  @Test
  void aProjectKeySeesOnlyItsProject() throws Exception {
    String other = app.project("ui-other");
    Browser b = new Browser().signIn(app.apiKey(other, "project.read"));
    assertThat(b.get("/ui/projects").body()).contains(other).doesNotContain(project);
    assertThat(b.get("/ui/p/" + project + "/conversations").statusCode()).isEqualTo(403);
    assertThat(b.get("/ui/p/" + other + "/bots/" + bot).statusCode()).isEqualTo(404);
    assertThat(b.get("/ui/p/" + other + "/keys").statusCode()).as("keys need project.admin").isEqualTo(403);
  }
}
