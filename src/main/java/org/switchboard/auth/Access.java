package org.switchboard.auth;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.switchboard.model.ApiKey;
import org.switchboard.model.Problem;
import org.switchboard.store.Database;
import org.switchboard.store.ProjectStore;

/** Resolves presented tokens: the admin token or a project API key. */
public final class Access {
  public static final String ADMIN_TOKEN_HASH = "admin_token_hash";

  private final Database db;
  private final String adminTokenHash;

  public Access(Database db, String adminTokenHash) {
    this.db = db;
    this.adminTokenHash = adminTokenHash;
  }

  /** 401 when the token is missing or unknown. */
  public Principal authenticate(String token) {
    return identify(token).orElseThrow(() -> token == null || token.isBlank()
        ? Problem.unauthorized("send a token as 'Authorization: Bearer <token>' or 'x-api-key: <token>'")
        : Problem.unauthorized("the token is not valid"));
  }

  public Optional<Principal> identify(String token) {
    if (token == null || token.isBlank()) return Optional.empty();
    String hash = Secrets.hash(token);
    if (Secrets.constantTimeEquals(hash, adminTokenHash)) return Optional.of(Principal.ADMIN);
    Optional<ApiKey> key = db.read(h -> ProjectStore.findKeyByHash(h, hash));
    return key.map(k -> new Principal(false, k.projectId(), k.id(), permissions(k)));
  }

  private static Set<Permission> permissions(ApiKey key) {
    Set<Permission> set = EnumSet.noneOf(Permission.class);
    for (String name : key.permissions()) Permission.parse(name).ifPresent(set::add);
    return set;
  }
}
