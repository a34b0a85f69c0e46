package org.switchboard.http;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.switchboard.http.api.TriggerRoutes;
import org.switchboard.model.Json;

/**
 * The native trigger invocation, {@code POST /v1/triggers/{triggerId}/events}, taken as a bare Jetty handler in
 * front of the servlet chain: the busiest route skips the session and servlet layers and Javalin's routing, which
 * cost about a sixth of the HTTP threads' CPU per event (docs/decisions.md). It runs the Javalin route's own code
 * ({@link TriggerRoutes#invoke(RequestView, String)}); every other request passes through.
 */
final class TriggerEndpoint extends Handler.Wrapper {
  private static final String PREFIX = "/v1/triggers/";
  private static final String SUFFIX = "/events";
  private final TriggerRoutes routes;

  TriggerEndpoint(TriggerRoutes routes) { this.routes = routes; }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    String triggerId = "POST".equals(request.getMethod()) ? triggerId(path) : null;
    if (triggerId == null) return super.handle(request, response, callback);
    try {
      TriggerRoutes.Answer answer = routes.invoke(RequestView.of(request), triggerId);
      response.setStatus(answer.status());
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.write(true, ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(answer.body())), callback);
    } catch (Exception e) {
      // Refused before its body was read (unknown trigger, credentials): a connection with unread content cannot
      // carry another request, and Jetty would close it after this answer without saying so, so a client reusing
      // it would see its next request fail. Say it here, while the answer is not yet sent.
      if (!request.consumeAvailable()) response.getHeaders().put(HttpHeader.CONNECTION, "close");
      Problems.write(response, callback, HttpServer.problemFor(e, "POST", path));
    }
    return true;
  }

  /** The id segment of a trigger invocation path, or null for any other path. */
  static String triggerId(String path) {
    if (path == null || !path.startsWith(PREFIX) || !path.endsWith(SUFFIX)) return null;
    int end = path.length() - SUFFIX.length();
    if (end <= PREFIX.length()) return null;
    String id = path.substring(PREFIX.length(), end);
    return id.indexOf('/') >= 0 ? null : id;
  }
}
