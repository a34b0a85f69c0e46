package org.switchboard.http.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.switchboard.Core;
import org.switchboard.http.Api;
import org.switchboard.model.Json;

/** Health, readiness, metrics and the API reference. */
public final class OperationRoutes {
  private final Core core;
  private final String docsPage;
  private Api api;

  public OperationRoutes(Core core) {
    this.core = core;
    try (InputStream in = OperationRoutes.class.getResourceAsStream("/docs.html")) {
      this.docsPage = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("docs.html is missing from the jar", e);
    }
  }

  public void register(Api api) {
    this.api = api;
    api.get("/healthz", "Operations", "The process is alive", ctx -> ctx.json(Json.object().put("status", "ok")), 200)
        .get("/readyz", "Operations", "The database is reachable and migrated", this::ready, 200, 503)
        .get("/metrics", "Operations", "Prometheus metrics", this::metrics, 200)
        .get("/openapi.json", "Operations", "This API as OpenAPI 3.1", this::openApi, 200)
        .get("/docs", "Operations", "The rendered API reference", ctx -> ctx.html(docsPage), 200);
  }

  private void ready(Context ctx) {
    boolean ready = core.db().ready();
    ctx.status(ready ? 200 : 503).json(Json.object().put("status", ready ? "ready" : "unavailable"));
  }

  private void metrics(Context ctx) {
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(core.metrics().scrape());
  }

  private void openApi(Context ctx) {
    ctx.json(api.openApi());
  }
}
