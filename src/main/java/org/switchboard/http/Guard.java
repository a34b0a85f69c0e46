package org.switchboard.http;

import io.javalin.http.Context;
import org.switchboard.auth.Access;
import org.switchboard.auth.Permission;
import org.switchboard.auth.Principal;
import org.switchboard.model.Problem;

/** Who is calling, and whether they may touch a project. */
public final class Guard {
  private static final String PRINCIPAL = "switchboard.principal";
  private final Access access;

  public Guard(Access access) { this.access = access; }

  public Principal principal(Context ctx) {
    Principal cached = ctx.attribute(PRINCIPAL);
    if (cached != null) return cached;
    Principal principal = access.authenticate(Requests.token(ctx));
    ctx.attribute(PRINCIPAL, principal);
    return principal;
  }

  /** For /v1/projects/{projectId}/...: 403 when the key belongs to another project or lacks the permission. */
  public Principal project(Context ctx, String projectId, Permission permission) {
    Principal p = principal(ctx);
    p.require(projectId, permission);
    return p;
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
