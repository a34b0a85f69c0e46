package org.switchboard.ui;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.stream.Collectors;
import org.switchboard.Core;
import org.switchboard.http.Api;
import org.switchboard.http.api.MessageStream;
import org.switchboard.model.Problem;

/**
 * The dashboard at {@code /ui}: server-rendered pages over the core services, signed in with the admin token or a
 * project API key. Every POST carries the session's CSRF token; every asset is served from here.
 */
public final class UiRoutes {
  @FunctionalInterface
  interface Page {
    void handle(Ui ui) throws Exception;
  }

  private static final String CSP = "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; "
      + "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
  private static final Map<String, String> ASSETS = Map.of("app.css", "text/css; charset=utf-8",
      "app.js", "text/javascript; charset=utf-8");

  private final Core core;
  private final UiSession session;
  private final MessageStream stream;
  private JavalinConfig config;

  public UiRoutes(Core core, MessageStream stream) {
    this.core = core;
    this.stream = stream;
    this.session = new UiSession(core.secrets(), core.access());
  }

  public void register(JavalinConfig config) {
    this.config = config;
    config.routes.get("/ui", ctx -> open(ctx, this::home));
    config.routes.get("/ui/", ctx -> open(ctx, this::home));
    config.routes.post("/ui/signin", ctx -> open(ctx, this::signIn));
    config.routes.get("/ui/assets/{file}", ctx -> open(ctx, this::asset));
    post("/ui/signout", ui -> {
      session.signOut(ui.ctx);
      ui.redirect("/ui");
    });
    new ProjectPages().register(this);
    new BotPages().register(this);
    new TriggerPages().register(this);
    new ConversationPages(stream).register(this);
    new EventPages().register(this);
    new SubscriptionPages().register(this);
    new AnalyticsPage().register(this);
  }

  void get(String path, Page page) { config.routes.get(path, signedIn(page, false)); }

  void post(String path, Page page) { config.routes.post(path, signedIn(page, true)); }

  private void open(Context ctx, Handler handler) throws Exception {
    ctx.attribute(Api.ROUTED, true);
    secure(ctx);
    handler.handle(ctx);
  }

  private static void secure(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "same-origin");
  }

  private Handler signedIn(Page page, boolean post) {
    return ctx -> open(ctx, c -> {
      c.header("Cache-Control", "no-store");
      var signed = session.current(c);
      if (signed.isEmpty()) {
        c.redirect("/ui", io.javalin.http.HttpStatus.SEE_OTHER);
        return;
      }
      Ui ui = new Ui(c, core, signed.get().principal(), signed.get().csrf());
      if (post && !UiSession.csrfMatches(signed.get(), c.formParam("_csrf"))) {
        c.status(403);
        ui.page("Forbidden", null, null, "<div class=\"errors\">The form was stale or came from another site. Go back, "
            + "reload the page and try again.</div>");
        return;
      }
      try {
        page.handle(ui);
      } catch (Problem p) {
        c.status(p.status());
        String errors = p.errors().stream().map(e -> "<li>" + Html.esc(e.path() + ": " + e.message()) + "</li>")
            .collect(Collectors.joining());
        ui.page(p.title(), null, null, "<div class=\"errors\">" + Html.esc(p.detail())
            + (errors.isEmpty() ? "" : "<ul>" + errors + "</ul>") + "</div><p><a href=\"javascript:history.back()\">Back</a></p>");
      }
    });
  }

  private void home(Context ctx) {
    if (session.current(ctx).isPresent()) {
      ctx.redirect("/ui/projects", io.javalin.http.HttpStatus.SEE_OTHER);
      return;
    }
    signInPage(ctx, null);
  }

  private void signIn(Context ctx) {
    if (session.signIn(ctx, ctx.formParam("token"))) {
      ctx.redirect("/ui/projects", io.javalin.http.HttpStatus.SEE_OTHER);
    } else {
      ctx.status(401);
      signInPage(ctx, "That token is not valid: use the admin token or a project API key.");
    }
  }

  private static void signInPage(Context ctx, String error) {
    ctx.contentType("text/html; charset=utf-8").result("""
        <!doctype html><html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Sign in · Switchboard</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/ui/assets/app.css"></head>
        <body><main class="signin"><div class="card"><h1>Switchboard</h1>%s
        <form method="post" action="/ui/signin"><label>Admin token or project API key
        <input type="password" name="token" autocomplete="current-password" required autofocus></label>
        <button type="submit">Sign in</button></form></div></main></body></html>"""
        .formatted(error == null ? "" : "<p class=\"errors\">" + Html.esc(error) + "</p>"));
  }

  private void asset(Context ctx) throws IOException {
    String file = ctx.pathParam("file");
    String type = ASSETS.get(file);
    if (type == null) {
      ctx.status(404).result("not found");
      return;
    }
    try (InputStream in = UiRoutes.class.getResourceAsStream("/ui/" + file)) {
      ctx.contentType(type).header("Cache-Control", "public, max-age=300").result(in.readAllBytes());
    }
  }
}
