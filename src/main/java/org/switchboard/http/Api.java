package org.switchboard.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.websocket.WsConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.switchboard.model.Json;
import org.switchboard.model.Problem;

/**
 * Registers routes and documents them in the same call, so /openapi.json is generated from the routes that exist
 * and cannot drift from them.
 */
public final class Api {
  public record Route(HandlerType method, String path, String tag, String summary, List<Integer> statuses,
                      boolean authenticated) {}

  private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z]+)}");
  private final JavalinConfig config;
  private final List<Route> routes = new ArrayList<>();

  public Api(JavalinConfig config) { this.config = config; }

  public Api get(String path, String tag, String summary, Handler handler, Integer... statuses) {
    return add(HandlerType.GET, path, tag, summary, handler, statuses);
  }

  public Api post(String path, String tag, String summary, Handler handler, Integer... statuses) {
    return add(HandlerType.POST, path, tag, summary, handler, statuses);
  }

  public Api put(String path, String tag, String summary, Handler handler, Integer... statuses) {
    return add(HandlerType.PUT, path, tag, summary, handler, statuses);
  }

  public Api patch(String path, String tag, String summary, Handler handler, Integer... statuses) {
    return add(HandlerType.PATCH, path, tag, summary, handler, statuses);
  }

  public Api delete(String path, String tag, String summary, Handler handler, Integer... statuses) {
    return add(HandlerType.DELETE, path, tag, summary, handler, statuses);
  }

  /** A plain GET of a WebSocket's address: 426 and what to do, not a 404 that says nothing is there. */
  public static final Handler UPGRADE_REQUIRED = ctx -> {
    ctx.header("Upgrade", "websocket");
    throw new Problem(426, "Upgrade required", "this address is a WebSocket: connect with a WebSocket client");
  };

  /**
   * A WebSocket route, and {@code plainGet} for a request to its address that asks for no upgrade (usually
   * {@link #UPGRADE_REQUIRED}, wrapped in a dialect's error shape). Neither is an HTTP operation of /openapi.json.
   */
  public Api webSocket(String path, Consumer<WsConfig> ws, Handler plainGet) {
    config.routes.ws(path, ws);
    config.routes.get(path, ctx -> {
      ctx.attribute(ROUTED, true);
      plainGet.handle(ctx);
    });
    return this;
  }

  /** Set on every request that reached one of our routes; error pages leave such answers alone. */
  public static final String ROUTED = "switchboard.routed";

  private Api add(HandlerType method, String path, String tag, String summary, Handler handler, Integer[] statuses) {
    config.routes.addHttpHandler(method, path, ctx -> {
      ctx.attribute(ROUTED, true);
      handler.handle(ctx);
    });
    routes.add(new Route(method, path, tag, summary, List.of(statuses), !tag.equals("Operations")));
    return this;
  }

  public List<Route> routes() { return List.copyOf(routes); }

  /** The OpenAPI 3.1 document of every registered route. */
  public ObjectNode openApi() {
    ObjectNode doc = Json.object();
    doc.put("openapi", "3.1.0");
    doc.putObject("info").put("title", "Switchboard native API").put("version", "v1")
        .put("description", "Send events and messages to bots and get their replies. Errors are RFC 9457 problem+json.");
    ObjectNode components = doc.putObject("components");
    ObjectNode schemes = components.putObject("securitySchemes");
    schemes.putObject("bearer").put("type", "http").put("scheme", "bearer");
    schemes.putObject("apiKey").put("type", "apiKey").put("in", "header").put("name", "x-api-key");
    components.putObject("schemas").set("Problem", problemSchema());
    Map<String, ObjectNode> paths = new TreeMap<>();
    for (Route r : routes) {
      ObjectNode item = paths.computeIfAbsent(r.path(), p -> Json.object());
      ObjectNode op = item.putObject(r.method().name().toLowerCase());
      op.put("summary", r.summary());
      op.putArray("tags").add(r.tag());
      op.put("operationId", operationId(r));
      ArrayNode params = op.putArray("parameters");
      Matcher m = PARAM.matcher(r.path());
      while (m.find()) {
        params.addObject().put("name", m.group(1)).put("in", "path").put("required", true)
            .putObject("schema").put("type", "string");
      }
      if (r.authenticated()) {
        ArrayNode security = op.putArray("security");
        security.addObject().putArray("bearer");
        security.addObject().putArray("apiKey");
      }
      if (r.method() == HandlerType.POST || r.method() == HandlerType.PUT || r.method() == HandlerType.PATCH) {
        op.putObject("requestBody").put("required", false).putObject("content").putObject("application/json")
            .putObject("schema").put("type", "object");
      }
      ObjectNode responses = op.putObject("responses");
      for (int status : r.statuses()) {
        ObjectNode response = responses.putObject(String.valueOf(status));
        response.put("description", describe(status));
        if (status >= 400) {
          response.putObject("content").putObject("application/problem+json").putObject("schema")
              .put("$ref", "#/components/schemas/Problem");
        } else if (status != 204) {
          String type = r.path().endsWith("/stream") ? "text/event-stream"
              : r.path().equals("/metrics") ? "text/plain" : r.path().equals("/docs") ? "text/html" : "application/json";
          response.putObject("content").putObject(type).putObject("schema").put("type", type.equals("application/json") ? "object" : "string");
        }
      }
    }
    ObjectNode pathsNode = doc.putObject("paths");
    paths.forEach(pathsNode::set);
    return doc;
  }

  private static ObjectNode problemSchema() {
    ObjectNode schema = Json.object().put("type", "object");
    ObjectNode props = schema.putObject("properties");
    props.putObject("type").put("type", "string");
    props.putObject("title").put("type", "string");
    props.putObject("status").put("type", "integer");
    props.putObject("detail").put("type", "string");
    ObjectNode errors = props.putObject("errors").put("type", "array").putObject("items").put("type", "object");
    errors.putObject("properties").setAll(Map.of(
        "path", Json.object().put("type", "string"), "message", Json.object().put("type", "string"),
        "line", Json.object().put("type", "integer")));
    schema.putArray("required").add("type").add("title").add("status").add("detail");
    return schema;
  }

  private static String operationId(Route r) {
    String clean = r.path().replaceAll("[{}]", "").replaceAll("[^A-Za-z0-9]+", "_");
    return r.method().name().toLowerCase() + clean;
  }

  private static String describe(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 202 -> "Accepted";
      case 204 -> "No content";
      case 400 -> "Bad request";
      case 401 -> "No or unknown token";
      case 403 -> "Token without the permission or the project";
      case 404 -> "Not found";
      case 408 -> "The bot did not finish in time; processing goes on";
      case 409 -> "Conflict";
      case 413 -> "Body over the limit";
      case 415 -> "Unreadable body";
      case 422 -> "Validation failed";
      case 429 -> "Rate limited";
      case 503 -> "Not ready";
      default -> "Status " + status;
    };
  }
}
