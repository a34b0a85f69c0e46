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
import org.switchboard.support.Dirs;

/**
 * Delivery throughput of one node on the embedded database: N pending deliveries are written first, then the
 * dispatcher sends them to a local receiver; prints deliveries per second. Run: {@code bench/deliveries [N]}.
 */
public final class DeliveryBench {
  private static void prepare(org.switchboard.Core core, Outbox outbox, Conversation c, int count) {
    for (int written = 0; written < count; written += 1000) {
      int batch = Math.min(1000, count - written);
      core.db().write(h -> {
        var parties = outbox.parties(h, c);
        long now = System.currentTimeMillis();
        for (int i = 0; i < batch; i++) {
          var m = ConversationStore.appendMessage(h, org.switchboard.model.Ids.message(), c.id(), "bot", "text",
              "{\"text\":\"hello\"}", null, now);
          outbox.messageCreated(h, parties, m, now);
        }
        return null;
      });
    }
  }

  private static boolean awaitReceived(AtomicLong received, long target, org.switchboard.Core core) throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (received.get() < target && System.nanoTime() < deadline) Thread.sleep(5);
    if (received.get() >= target) return true;
    System.out.println("only " + received.get() + " of " + target + " arrived; errors:");
    core.db().read(h -> h.createQuery("SELECT last_error, COUNT(*) FROM deliveries WHERE status <> 'succeeded' GROUP BY last_error")
        .mapToMap().list()).forEach(System.out::println);
    return false;
  }

  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    AtomicLong received = new AtomicLong();
    // A bare Jetty handler as the receiver, so that what is measured is the sender.
    var receiver = new org.eclipse.jetty.server.Server(new java.net.InetSocketAddress("127.0.0.1", 0));
    receiver.setHandler(new org.eclipse.jetty.server.Handler.Abstract() {
      @Override
      public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                            org.eclipse.jetty.util.Callback callback) throws Exception {
        org.eclipse.jetty.io.Content.Source.consumeAll(request);
        received.incrementAndGet();
        response.setStatus(204);
        callback.succeeded();
        return true;
      }
    });
    receiver.start();
    int receiverPort = ((org.eclipse.jetty.server.NetworkConnector) receiver.getConnectors()[0]).getLocalPort();
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
          + receiverPort + "/hook\"}"));
      Conversation c = core.conversations().start(project, bot.id(), org.switchboard.intake.ContactInput.NONE, null, null);
      Outbox outbox = new Outbox(core.db().catalog(), core.committer(), core.notifier());
      // A warm-up round lets the JIT compile the hot paths; the measured round is the sustained rate.
      int warmUp = Math.max(1_000, total / 3);
      prepare(core, outbox, c, warmUp);
      core.dispatcher().start();
      awaitReceived(received, warmUp, core);
      long prepared = System.nanoTime();
      prepare(core, outbox, c, total);
      System.out.printf("prepared %d pending deliveries in %.1f s (after %d warm-up deliveries)%n", total,
          (System.nanoTime() - prepared) / 1e9, warmUp);
      long start = System.nanoTime();
      core.dispatcher().wakeUp();
      if (!awaitReceived(received, warmUp + total, core)) return;
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
      Dirs.deleteTree(dir);
    }
  }
}
