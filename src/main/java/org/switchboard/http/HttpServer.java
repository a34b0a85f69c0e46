package org.switchboard.http;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import io.javalin.util.JavalinBindException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchboard.Config;
import org.switchboard.Core;
import org.switchboard.http.api.BotRoutes;
import org.switchboard.http.api.ChannelRoutes;
import org.switchboard.http.dialect.chataibot.ChatAiBotRoutes;
import org.switchboard.http.dialect.aei.AeiRoutes;
import org.switchboard.http.dialect.botpress.BotpressRoutes;
import org.switchboard.http.dialect.chatbotkit.ChatBotKitManagementRoutes;
import org.switchboard.http.dialect.chatbotkit.ChatBotKitRoutes;
import org.switchboard.http.dialect.chathive.ChathiveRoutes;
import org.switchboard.http.api.ConversationRoutes;
import org.switchboard.http.api.EventRoutes;
import org.switchboard.http.api.FeedRoutes;
import org.switchboard.http.api.LiveStreams;
import org.switchboard.http.api.SubscriptionRoutes;
import org.switchboard.http.api.MessageStream;
import org.switchboard.http.api.OperationRoutes;
import org.switchboard.http.api.ProjectRoutes;
import org.switchboard.http.api.TriggerRoutes;
import org.switchboard.model.Json;
import org.switchboard.model.Problem;
import org.switchboard.store.Database;
import org.switchboard.store.GroupCommitter;
import org.switchboard.ui.UiRoutes;

/** The HTTP front: Javalin on Jetty 12 with virtual threads, every error as problem+json. */
public final class HttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
  private final Javalin app;
  private final LiveStreams streams = new LiveStreams();
  private Api api;

  public HttpServer(Core core) {
    Guard guard = new Guard(core.access(), core.projects());
    MessageStream stream = new MessageStream(core.db(), core.notifier(), streams);
    this.app = Javalin.create(config -> {
      config.concurrency.useVirtualThreads = true;
      config.http.compressionStrategy = uncompressed();
      config.http.maxRequestSize = core.config().maxBodyBytes();
      config.startup.showJavalinBanner = false;
      config.jsonMapper(new JavalinJackson(Json.MAPPER, true));
      // Jetty's per-connection header cache matched values without regard to case (an earlier request's "Bearer x"
      // for this one's "bearer x"), and matching case-sensitively cost more than parsing the fields: no cache.
      config.jetty.modifyHttpConfiguration(http -> {
        http.setHeaderCacheCaseSensitive(true);
        http.setHeaderCacheSize(0);
        // Fresh heap buffers, not pooled direct ones (see the connector below).
        http.setUseInputDirectByteBuffers(false);
        http.setUseOutputDirectByteBuffers(false);
      });
      // After a refused request head, Jetty 12.1 releases the connection's request buffer while another of its
      // threads still uses it; a pool hands that buffer to a second owner, and answers went out with another
      // request's bytes (docs/decisions.md). Without pooling it is never reused; the cost is memory (benchmarks.md).
      config.jetty.addConnector((server, http) -> {
        ServerConnector connector = new ServerConnector(server, null, null, new ByteBufferPool.NonPooling(), -1, -1,
            new HttpConnectionFactory(http));
        connector.setHost(config.jetty.host); // Javalin.start(host, port) sets both before building the server
        connector.setPort(config.jetty.port);
        return connector;
      });
      TriggerRoutes triggers = new TriggerRoutes(core, guard);
      config.jetty.modifyServletContextHandler(context -> context.insertHandler(new TriggerEndpoint(triggers)));
      config.jetty.modifyServer(server -> {
        server.setStopTimeout(4_000);
        server.setErrorHandler(HttpServer::jettyError);
        server.setRequestLog(responseCounter(core.metrics()));
      });
      api = new Api(config);
      new ProjectRoutes(core, guard).register(api);
      new BotRoutes(core, guard).register(api);
      triggers.register(api);
      new EventRoutes(core, guard).register(api);
      new ConversationRoutes(core, guard, stream).register(api);
      new SubscriptionRoutes(core, guard).register(api);
      new ChannelRoutes(core, guard).register(api);
      new FeedRoutes(core, guard, streams).register(api);
      new OperationRoutes(core).register(api);
      new ChatBotKitRoutes(core).register(api);
      new ChatBotKitManagementRoutes(core, guard).register(api);
      new ChathiveRoutes(core).register(api);
      new ChatAiBotRoutes(core).register(api);
      new BotpressRoutes(core, guard).register(api);
      new AeiRoutes(core, streams).register(api);
      new UiRoutes(core, stream).register(config);
      config.routes.exception(Exception.class, (e, ctx) -> Problems.write(ctx, problemFor(e, ctx.method().name(), ctx.path())));
      config.routes.error(HttpStatus.NOT_FOUND.getCode(), "*", ctx -> {
        if (ctx.attribute(Api.ROUTED) == null) {
          Problems.write(ctx, new Problem(404, "Not found", "no route " + ctx.method() + " " + Requests.abbreviate(ctx.path())));
        }
      });
      config.routes.error(HttpStatus.METHOD_NOT_ALLOWED.getCode(), "*", ctx ->
          Problems.write(ctx, new Problem(405, "Method not allowed", ctx.method() + " is not allowed here")));
      config.routes.error(HttpStatus.CONTENT_TOO_LARGE.getCode(), "*", ctx -> {
        if (!String.valueOf(ctx.res().getContentType()).startsWith(Problems.CONTENT_TYPE)) {
          Problems.write(ctx, new Problem(413, "Payload too large", "the body is larger than the limit"));
        }
      });
    });
  }

  /** Answers by status class, counted where Jetty sends them, so refusals made before any route count too. */
  private static RequestLog responseCounter(MeterRegistry metrics) {
    Counter[] byClass = new Counter[6];
    for (int c = 1; c <= 5; c++) {
      byClass[c] = Counter.builder("switchboard_http_responses")
          .description("HTTP answers by status class").tag("class", c + "xx").register(metrics);
    }
    return (request, response) -> {
      int c = response.getStatus() / 100;
      if (c >= 1 && c <= 5) byClass[c].increment();
    };
  }

  /**
   * The answer to a failure a route threw: its own problem; 503 with a hint to come back when storage is not
   * available (nothing was acknowledged, so a retry loses nothing); otherwise a 500, logged.
   */
  static Problem problemFor(Exception e, String method, String path) {
    if (e instanceof Problem p) return p;
    boolean storage = e instanceof GroupCommitter.StorageUnavailable;
    if (storage || Database.unavailable(e)) {
      if (!storage) LOG.warn("database unavailable on {} {}: {}", method, path, e.getMessage());
      return new Problem(503, "Service unavailable", "storage is not available; retry shortly").with("retryAfter", 1);
    }
    LOG.error("unexpected failure on {} {}", method, path, e);
    return new Problem(500, "Internal error", "the server failed to handle this request; it was logged");
  }

  /**
   * No compression, and no list of types never to compress: Javalin tests every answer's content type against that
   * list, case-insensitively, even when nothing would be compressed (3% of the HTTP threads' CPU on the trigger).
   */
  private static CompressionStrategy uncompressed() {
    CompressionStrategy none = new CompressionStrategy(null, null, null);
    none.setExcludedMimeTypes(List.of());
    return none;
  }

  /** Errors Jetty answers before Javalin sees the request (bad URIs, bad headers): still problem+json. */
  private static boolean jettyError(Request request, Response response, Callback callback) {
    Object code = request.getAttribute(org.eclipse.jetty.server.handler.ErrorHandler.ERROR_STATUS);
    int status = code instanceof Integer i && i >= 400 ? i : 400;
    Problems.write(response, callback, new Problem(status, status < 500 ? "Bad request" : "Internal error",
        status < 500 ? "the request could not be parsed" : "the server failed to handle this request"));
    return true;
  }

  /** Starts listening; a port another process holds is a start-up setting to change, not a crash. */
  public HttpServer start(String host, int port) {
    try {
      app.start(host, port);
    } catch (JavalinBindException e) {
      throw new Config.Invalid("port " + port + " is already in use; stop the process that holds it"
          + " or choose another port with --http-port (SWITCHBOARD_HTTP_PORT)");
    }
    return this;
  }

  public int port() { return app.port(); }

  public List<Api.Route> routes() { return api.routes(); }

  public void stop() {
    streams.closeAll();
    app.stop();
  }

  @Override
  public void close() { stop(); }
}
