package org.switchboard.http;

import io.javalin.http.Context;
import org.switchboard.auth.Access;
import org.switchboard.auth.Permission;
import org.switchboard.auth.Principal;
import org.switchboard.catalog.Projects;
import org.switchboard.model.Problem;

/** Who is calling, and whether they may touch a project. */
public final class Guard {
  private static final String PRINCIPAL = "switchboard.principal";
  private final Access access;
  private final Projects projects;

  public Guard(Access access, Projects projects) {
    this.access = access;
    this.projects = projects;
  }

  public Principal principal(Context ctx) {
    Principal cached = ctx.attribute(PRINCIPAL);
    if (cached != null) return cached;
    Principal principal = access.authenticate(Requests.token(ctx));
    ctx.attribute(PRINCIPAL, principal);
    return principal;
  }

  /**
   * For /v1/projects/{projectId}/...: returns the project id after checking that it is well-formed, that the caller
   * may act on it (403 for a key of another project or without the permission) and that it exists (404).
   */
  public String project(Context ctx, Permission permission) {
    String projectId = Requests.id(ctx, "projectId", "prj_", "project");
    principal(ctx).require(projectId, permission);
    projects.get(projectId);
    return projectId;
  }

  /**
   * For a resource addressed by its own id: a key of another project gets 404, as if the resource did not exist,
   * so ids cannot be probed across projects; within the project a missing permission is 403.
   */
  public Principal owned(Context ctx, String resourceProjectId, Permission permission, String what) {
    Principal p = principal(ctx);
    if (!p.admin() && !p.projectId().equals(resourceProjectId)) throw Problem.notFound(what);
    p.require(resourceProjectId, permission);
    return p;
  }
}
