package org.switchboard.http.api;

import io.javalin.http.Context;
import org.switchboard.Core;
import org.switchboard.auth.Permission;
import org.switchboard.auth.Principal;
import org.switchboard.catalog.Projects;
import org.switchboard.http.Api;
import org.switchboard.http.Guard;
import org.switchboard.http.Requests;
import org.switchboard.model.Views;
import org.switchboard.model.Page;
import org.switchboard.store.ProjectStore;

/** Projects and API keys. */
public final class ProjectRoutes {
  private final Core core;
  private final Guard guard;

  public ProjectRoutes(Core core, Guard guard) {
    this.core = core;
    this.guard = guard;
  }

  public void register(Api api) {
    api.post("/v1/projects", "Projects", "Create a project (admin token)", this::create, 201, 400, 401, 403, 422)
        .get("/v1/projects", "Projects", "List projects", this::list, 200, 401)
        .get("/v1/projects/{projectId}", "Projects", "Get a project", this::get, 200, 401, 403, 404)
        .post("/v1/projects/{projectId}/api-keys", "API keys", "Create an API key; the key is shown only here",
            this::createKey, 201, 400, 401, 403, 404, 422)
        .get("/v1/projects/{projectId}/api-keys", "API keys", "List API keys (no key material)", this::keys, 200, 401, 403, 404)
        .delete("/v1/projects/{projectId}/api-keys/{keyId}", "API keys", "Delete an API key", this::deleteKey, 204, 401, 403, 404);
  }

  private void create(Context ctx) {
    guard.principal(ctx).requireAdminToken();
    var project = core.projects().create(Requests.json(ctx, core.config().maxBodyBytes()));
    ctx.status(201).json(Views.project(project));
  }

  private void list(Context ctx) {
    Principal p = guard.principal(ctx);
    int limit = Requests.limit(ctx);
    String cursor = Requests.cursor(ctx, "prj_");
    var rows = core.db().read(h -> ProjectStore.list(h, p.admin() ? null : p.projectId(), cursor, limit + 1));
    ctx.json(Views.page(Page.of(rows, limit, r -> r.id()), Views::project));
  }

  private void get(Context ctx) {
    ctx.json(Views.project(core.projects().get(guard.project(ctx, Permission.READ))));
  }

  private void createKey(Context ctx) {
    String projectId = guard.project(ctx, Permission.ADMIN);
    Projects.NewKey created = core.projects().createKey(projectId, Requests.json(ctx, core.config().maxBodyBytes()));
    ctx.status(201).json(Views.apiKey(created.key()).put("key", created.secret()));
  }

  private void keys(Context ctx) {
    String projectId = guard.project(ctx, Permission.ADMIN);
    ctx.json(Views.items(core.projects().keys(projectId), Views::apiKey));
  }

  private void deleteKey(Context ctx) {
    String projectId = guard.project(ctx, Permission.ADMIN);
    String keyId = Requests.id(ctx, "keyId", "key_", "API key");
    core.projects().deleteKey(projectId, keyId);
    ctx.status(204);
  }
}
