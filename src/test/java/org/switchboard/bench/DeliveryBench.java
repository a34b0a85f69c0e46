package org.switchboard.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.switchboard.App;
import org.switchboard.Config;
import org.switchboard.delivery.Dispatcher;
import org.switchboard.delivery.Outbox;
import org.switchboard.model.Conversation;
import org.switchboard.model.Json;
import org.switchboard.processing.EventProcessor;
import org.switchboard.store.ConversationStore;

/**
 * Delivery throughput of one node on the embedded database: N pending deliveries are written first, then the
 * dispatcher sends them to a local receiver; prints deliveries per second. Run: {@code bench/deliveries [N]}.
 */
public final class DeliveryBench {
  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    AtomicLong received = new AtomicLong();
    // The receiver is Jetty (through Javalin), so it is not the bottleneck being measured.
    var receiver = io.javalin.Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      c.routes.post("/hook", ctx -> {
        ctx.bodyAsBytes();
        received.incrementAndGet();
        ctx.status(204);
      });
    }).start("127.0.0.1", 0);
    var dir = Files.createTempDirectory("delivery-bench");
    Config config = Config.load(Map.of("SWITCHBOARD_DATA_DIR", dir.toString(), "SWITCHBOARD_HTTP_PORT", "0",
        "SWITCHBOARD_ADMIN_TOKEN", "bench-admin-token", "SWITCHBOARD_DEMO", "false",
        "SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE", "true"), List.of());
    try (App app = App.start(config, new PrintStream(OutputStream.nullOutputStream()),
        new App.Options(false, EventProcessor.RetryPolicy.DEFAULT, Dispatcher.Schedule.DEFAULT))) {
      var core = app.core();
      String project = core.projects().create(Json.object().put("name", "bench")).id();
      var bot = core.bots().create(project, Json.object().put("name", "b").put("publish", true)
          .put("definition", "{\"on\":{\"default\":\"a\"},\"nodes\":{\"a\":[{\"say\":\"hi\"}]}}"));
      core.subscriptions().create(project, Json.read("{\"topics\":[\"message.created\"],\"url\":\"http://127.0.0.1:"
          + receiver.port() + "/hook\"}"));
      Conversation c = core.conversations().start(project, bot.id(), org.switchboard.intake.ContactInput.NONE, null, null);
      Outbox outbox = new Outbox();
      long prepared = System.nanoTime();
      for (int written = 0; written < total; written += 1000) {
        int batch = Math.min(1000, total - written);
        core.db().write(h -> {
          var parties = Outbox.Parties.load(h, c);
          long now = System.currentTimeMillis();
          for (int i = 0; i < batch; i++) {
            var m = ConversationStore.appendMessage(h, org.switchboard.model.Ids.message(), c.id(), "bot", "text",
                "{\"text\":\"hello\"}", null, now);
            outbox.messageCreated(h, parties, m, now);
          }
          return null;
        });
      }
      System.out.printf("prepared %d pending deliveries in %.1f s%n", total, (System.nanoTime() - prepared) / 1e9);
      long start = System.nanoTime();
      core.dispatcher().start();
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (received.get() < total && System.nanoTime() < deadline) Thread.sleep(10);
      if (received.get() < total) {
        System.out.println("only " + received.get() + " of " + total + " arrived; errors:");
        core.db().read(h -> h.createQuery("SELECT last_error, COUNT(*) FROM deliveries WHERE status <> 'succeeded' GROUP BY last_error")
            .mapToMap().list()).forEach(System.out::println);
        return;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long pending;
      do {
        pending = core.db().read(org.switchboard.store.OutboxStore::pending);
        Thread.sleep(10);
      } while (pending > 0 && (System.nanoTime() - start) / 1e9 < seconds + 30);
      double settled = (System.nanoTime() - start) / 1e9;
      core.metrics().scrape().lines().filter(l -> l.startsWith("switchboard_commit")).forEach(System.out::println);
      System.out.printf("delivered %d webhooks in %.2f s: %.0f deliveries/s received, %.0f/s settled (attempt logged)%n",
          total, seconds, total / seconds, total / settled);
    } finally {
      receiver.stop();
    }
  }
}
