package org.switchboard.auth;

import java.util.Set;
import org.switchboard.model.Problem;

/** Who is calling: the operator (admin token) or one project's API key. */
public record Principal(boolean admin, String projectId, String keyId, Set<Permission> permissions) {
  public static final Principal ADMIN = new Principal(true, null, null, Set.of(Permission.values()));

  public boolean may(String project, Permission permission) {
    if (admin) return true;
    if (!projectId.equals(project)) return false;
    return permissions.contains(Permission.ADMIN) || permissions.contains(permission);
  }

  /** 403 for a valid token without that permission or without access to the project. */
  public void require(String project, Permission permission) {
    if (admin) return;
    if (!projectId.equals(project)) throw Problem.forbidden("this API key has no access to project " + project);
    if (!may(project, permission)) {
      throw Problem.forbidden("this API key lacks the permission " + permission.wireName());
    }
  }

  public void requireAdminToken() {
    if (!admin) throw Problem.forbidden("only the admin token may do this");
  }
}
