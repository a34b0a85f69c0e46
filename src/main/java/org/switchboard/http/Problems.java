package org.switchboard.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.switchboard.model.Json;
import org.switchboard.model.Problem;

/** Renders a {@link Problem} as RFC 9457 application/problem+json. */
public final class Problems {
  public static final String CONTENT_TYPE = "application/problem+json";

  private Problems() {}

  public static ObjectNode body(Problem p) {
    ObjectNode body = Json.object();
    body.put("type", "https://switchboard.dev/problems/" + slug(p.title()));
    body.put("title", p.title());
    body.put("status", p.status());
    body.put("detail", p.detail());
    if (!p.errors().isEmpty()) {
      ArrayNode errors = body.putArray("errors");
      for (Problem.FieldError e : p.errors()) {
        ObjectNode entry = errors.addObject().put("path", e.path()).put("message", e.message());
        if (e.line() != null) entry.put("line", e.line());
      }
    }
    p.extensions().forEach((k, v) -> body.set(k, Json.tree(v)));
    return body;
  }

  public static void write(Context ctx, Problem p) {
    retryAfter(ctx, p);
    ctx.status(p.status()).contentType(CONTENT_TYPE).result(Json.write(body(p)));
  }

  /**
   * Answers a route's failure in an error shape of the route's own (a dialect's): the problem it maps to as
   * {@link HttpServer} maps it for the others (its own, a storage outage's 503, a logged 500), Retry-After when the
   * problem says when to come back, and {@code shape}'s body.
   */
  public static void answer(Context ctx, Exception failure, Function<Problem, JsonNode> shape) {
    Problem p = HttpServer.problemFor(failure, ctx.method().name(), ctx.path());
    retryAfter(ctx, p);
    ctx.status(p.status()).json(shape.apply(p));
  }

  /** Sets {@code Retry-After} when the problem says when to come back (429, 503), whatever shape the body takes. */
  private static void retryAfter(Context ctx, Problem p) {
    Object retryAfter = p.extensions().get("retryAfter");
    if (retryAfter != null) ctx.header("Retry-After", String.valueOf(retryAfter));
  }

  /** The same answer through Jetty's own response, for handlers in front of Javalin. */
  public static void write(Response response, Callback callback, Problem p) {
    Object retryAfter = p.extensions().get("retryAfter");
    if (retryAfter != null) response.getHeaders().put("Retry-After", String.valueOf(retryAfter));
    response.setStatus(p.status());
    response.getHeaders().put("Content-Type", CONTENT_TYPE);
    response.write(true, ByteBuffer.wrap(Json.write(body(p)).getBytes(StandardCharsets.UTF_8)), callback);
  }

  private static String slug(String title) {
    return title.toLowerCase().replaceAll("[^a-z0-9]+", "-");
  }
}
