package org.switchboard.ui;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.util.Optional;
import org.switchboard.auth.Access;
import org.switchboard.auth.Principal;
import org.switchboard.auth.Secrets;
import org.switchboard.model.Json;

/**
 * The dashboard's sign-in: the token (admin token or project API key) sealed with the server key into an HttpOnly,
 * SameSite=Strict cookie together with a CSRF token. Nothing is kept on the server, so any node can serve any page,
 * and a deleted key signs its sessions out at once because every request authenticates the token again.
 */
final class UiSession {
  static final String COOKIE = "sb_session";
  static final int MAX_AGE_SECONDS = 12 * 3600;

  record Signed(Principal principal, String csrf) {}

  private final Secrets secrets;
  private final Access access;

  UiSession(Secrets secrets, Access access) {
    this.secrets = secrets;
    this.access = access;
  }

  /** Signs in with a token; false when the token is not valid. */
  boolean signIn(Context ctx, String token) {
    if (token == null || token.isBlank() || access.identify(token.trim()).isEmpty()) return false;
    long expires = System.currentTimeMillis() + MAX_AGE_SECONDS * 1000L;
    String sealed = secrets.encrypt(Json.write(Json.object().put("t", token.trim())
        .put("c", Secrets.token("csrf_")).put("e", expires)));
    ctx.cookie(cookie(ctx, sealed, MAX_AGE_SECONDS));
    return true;
  }

  void signOut(Context ctx) { ctx.cookie(cookie(ctx, "", 0)); }

  Optional<Signed> current(Context ctx) {
    String sealed = ctx.cookie(COOKIE);
    if (sealed == null || sealed.isBlank()) return Optional.empty();
    try {
      var session = Json.read(secrets.decrypt(sealed));
      if (session.path("e").asLong() < System.currentTimeMillis()) return Optional.empty();
      return access.identify(session.path("t").asText()).map(p -> new Signed(p, session.path("c").asText()));
    } catch (RuntimeException tampered) {
      return Optional.empty();
    }
  }

  static boolean csrfMatches(Signed s, String presented) {
    return presented != null && Secrets.constantTimeEquals(s.csrf(), presented);
  }

  private static Cookie cookie(Context ctx, String value, int maxAge) {
    return new Cookie(COOKIE, value, "/ui", maxAge, "https".equals(ctx.scheme()), true, null, SameSite.STRICT);
  }
}
