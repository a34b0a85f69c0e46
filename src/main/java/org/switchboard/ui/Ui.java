package org.switchboard.ui;

import io.javalin.http.Context;
import java.util.List;
import org.switchboard.Core;
import org.switchboard.auth.Permission;
import org.switchboard.auth.Principal;
import org.switchboard.model.Ids;
import org.switchboard.model.Problem;

/** One dashboard request: who is signed in, the CSRF token for forms, the project in the path, and the page frame. */
final class Ui {
  private static final List<String[]> SECTIONS = List.of(
      new String[] {"conversations", "Conversations"}, new String[] {"events", "Events"},
      new String[] {"bots", "Bots"}, new String[] {"triggers", "Triggers"}, new String[] {"channels", "Channels"},
      new String[] {"subscriptions", "Subscriptions"}, new String[] {"keys", "API keys"},
      new String[] {"analytics", "Analytics"});

  final Context ctx;
  final Core core;
  final Principal principal;
  final String csrf;

  Ui(Context ctx, Core core, Principal principal, String csrf) {
    this.ctx = ctx;
    this.core = core;
    this.principal = principal;
    this.csrf = csrf;
  }

  /** The project in the path, after checking that the signed-in token may act on it this way. */
  String project(Permission permission) {
    String id = ctx.pathParam("projectId");
    if (!Ids.looksLike("prj_", id)) throw Problem.notFound("project");
    principal.require(id, permission);
    core.projects().get(id);
    return id;
  }

  /** A path id of a resource that must belong to the project (others are 404, as in the API). */
  String id(String param, String prefix, String what) {
    String id = ctx.pathParam(param);
    if (!Ids.looksLike(prefix, id)) throw Problem.notFound(what);
    return id;
  }

  static void owned(String projectId, String resourceProjectId, String what) {
    if (!projectId.equals(resourceProjectId)) throw Problem.notFound(what);
  }

  String form(String name) {
    String value = ctx.formParam(name);
    return value == null ? null : value.trim();
  }

  String query(String name) {
    String value = ctx.queryParam(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  String form(String projectId, String path, String fields, String button, String cls) {
    return Html.form(base(projectId) + path, csrf, fields, button, cls);
  }

  static String base(String projectId) { return "/ui/p/" + projectId; }

  void redirect(String path) { ctx.redirect(path, io.javalin.http.HttpStatus.SEE_OTHER); }

  void page(String title, String projectId, String section, String body) {
    StringBuilder nav = new StringBuilder();
    nav.append("<a href=\"/ui/projects\"").append(projectId == null ? " class=\"on\"" : "").append(">Projects</a>");
    if (projectId != null) {
      for (String[] s : SECTIONS) {
        nav.append("<a href=\"").append(base(projectId)).append('/').append(s[0]).append('"')
            .append(s[0].equals(section) ? " class=\"on\"" : "").append('>').append(s[1]).append("</a>");
      }
    }
    String who = principal.admin() ? "admin" : "key of " + principal.projectId();
    ctx.contentType("text/html; charset=utf-8").result("""
        <!doctype html><html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>%s · Switchboard</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/ui/assets/app.css"></head>
        <body><header><a class="brand" href="/ui/projects">Switchboard</a><nav>%s</nav>
        <span class="muted">%s</span>%s</header><main><h1>%s</h1>%s</main>
        <script src="/ui/assets/app.js"></script></body></html>""".formatted(Html.esc(title), nav, Html.esc(who),
        Html.form("/ui/signout", csrf, "", "Sign out", "inline"), Html.esc(title), body));
  }
}
