package org.switchboard;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.Closeable;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchboard.auth.Access;
import org.switchboard.auth.Secrets;
import org.switchboard.catalog.Bots;
import org.switchboard.catalog.Channels;
import org.switchboard.catalog.Projects;
import org.switchboard.catalog.Triggers;
import org.switchboard.catalog.Subscriptions;
import org.switchboard.delivery.Dispatcher;
import org.switchboard.delivery.ClusterSignals;
import org.switchboard.delivery.Notifier;
import org.switchboard.store.OutboxStore;
import org.switchboard.delivery.Outbox;
import org.switchboard.delivery.Replies;
import org.switchboard.http.HttpServer;
import org.switchboard.intake.Handoff;
import org.switchboard.intake.ChannelIntake;
import org.switchboard.intake.ContactConversations;
import org.switchboard.intake.IntakeWiring;
import org.switchboard.intake.ConversationIntake;
import org.switchboard.intake.RateLimiter;
import org.switchboard.intake.TriggerIntake;
import org.switchboard.processing.EventProcessor;
import org.switchboard.schedule.Housekeeping;
import org.switchboard.schedule.Scheduler;
import org.switchboard.schedule.TimerPoller;
import org.switchboard.processing.Worker;
import org.switchboard.net.AddressPolicy;
import org.switchboard.net.SafeHttp;
import org.switchboard.runtime.LanguageModel;
import org.switchboard.runtime.Outbound;
import org.switchboard.runtime.BotRuntime;
import org.switchboard.store.Database;
import org.switchboard.store.GroupCommitter;
import org.switchboard.store.ProjectStore;
import org.switchboard.store.QueueStore;

/** One Switchboard node: storage, core services, worker and HTTP, started and stopped in order. */
public final class App implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(App.class);
  /** Deliveries sent at once; each waits on the network, so virtual threads make this cheap. */
  private static final int DELIVERY_CONCURRENCY = 256;
  private final Core core;
  private final HttpServer http;
  private final TimerPoller timers;
  private final Housekeeping housekeeping;
  private final SafeHttp outboundHttp;
  private final AutoCloseable clusterSignals;
  private final Closeable dataDir;

  private App(Core core, HttpServer http, TimerPoller timers, Housekeeping housekeeping, SafeHttp outboundHttp,
      AutoCloseable clusterSignals, Closeable dataDir) {
    this.housekeeping = housekeeping;
    this.clusterSignals = clusterSignals;
    this.dataDir = dataDir;
    this.core = core;
    this.http = http;
    this.timers = timers;
    this.outboundHttp = outboundHttp;
  }

  public TimerPoller timers() { return timers; }

  /** Knobs for tests and tools; production uses {@link Options#DEFAULT}. */
  public record Options(boolean startWorker, EventProcessor.RetryPolicy retryPolicy, Dispatcher.Schedule deliverySchedule) {
    public static final Options DEFAULT = new Options(true, EventProcessor.RetryPolicy.DEFAULT, Dispatcher.Schedule.DEFAULT);
  }

  public static App start(Config config, PrintStream console) {
    return start(config, console, Options.DEFAULT);
  }

  public static App start(Config config, PrintStream console, Options options) {
    Closeable dataDir = config.embedded() ? DataDir.claim(config.dataDir()) : () -> {};
    try {
      return start(config, console, options, dataDir);
    } catch (RuntimeException | Error e) {
      closeQuietly(dataDir, "the data directory's lock");
      throw e;
    }
  }

  private static App start(Config config, PrintStream console, Options options, Closeable dataDir) {
    Clock clock = Clock.systemUTC();
    // The outbound client needs nothing else: it starts on the other core while the database opens and migrates.
    java.util.concurrent.CompletableFuture<SafeHttp> outbound = new java.util.concurrent.CompletableFuture<>();
    Thread.ofPlatform().name("outbound-http-start").daemon(true).start(() -> {
      try {
        outbound.complete(new SafeHttp(new AddressPolicy(config.webhookAllowPrivate()), Dispatcher.CONNECT_TIMEOUT, 1 << 20));
      } catch (RuntimeException | Error e) {
        outbound.completeExceptionally(e);
      }
    });
    Database db;
    try {
      db = config.embedded() ? Database.sqlite(config.dataDir())
          : Database.postgres(config.dbUrl(), config.dbUser(), config.dbPassword());
    } catch (Database.Unopenable e) {
      outbound.thenAccept(SafeHttp::close);
      throw new Config.Invalid("the embedded database " + e.getMessage() + "; restore it from a backup"
          + " (docs/deploy.md), or choose another data directory with --data-dir (SWITCHBOARD_DATA_DIR)");
    }
    Secrets secrets;
    try {
      migrate(db, config);
      secrets = SecretKey.open(config, db);
    } catch (RuntimeException e) {
      outbound.thenAccept(SafeHttp::close);
      db.close();
      throw e;
    }
    if (config.embedded()) takeUpWorkInFlight(db, clock);
    String adminHash = adminTokenHash(db, config, console);
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    GroupCommitter committer = new GroupCommitter(db, metrics);
    Notifier notifier = new Notifier();
    // Several nodes share one PostgreSQL; their waiters and streams hear each other's commits.
    AutoCloseable clusterSignals = config.embedded() ? () -> {} : new ClusterSignals(db, notifier).start();
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    Access access = new Access(db, adminHash);
    String owner = ManagementFactory.getRuntimeMXBean().getName() + "/" + org.switchboard.model.Ids.next("");
    SafeHttp safeHttp;
    try {
      safeHttp = outbound.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
    BotRuntime runtime = new BotRuntime(new Outbound(safeHttp),
        new LanguageModel(new LanguageModel.Settings(config.llmBaseUrl(), config.llmApiKey(), config.llmModel())), clock);
    Outbox outbox = new Outbox(db.catalog(), committer, notifier);
    Replies replies = new Replies(db, notifier);
    EventProcessor processor = new EventProcessor(db, committer, runtime, notifier, clock, options.retryPolicy(), outbox,
        replies, metrics);
    Worker worker = new Worker(db, committer, processor, clock, owner, config.workerConcurrency());
    Subscriptions subscriptions = new Subscriptions(db, clock, secrets);
    Dispatcher dispatcher = new Dispatcher(db, committer, safeHttp, subscriptions, outbox, notifier, clock, owner,
        DELIVERY_CONCURRENCY, options.deliverySchedule(), metrics);
    outbox.handOffTo(dispatcher);
    RateLimiter rateLimiter = new RateLimiter(db, clock);
    TriggerIntake triggerIntake = new TriggerIntake(db, committer, access, secrets, clock, worker::wake,
        options.startWorker() ? worker : Handoff.NONE, outbox, notifier, rateLimiter);
    Scheduler scheduler = new Scheduler(db, committer, triggerIntake, clock);
    IntakeWiring intake = new IntakeWiring(db, committer, clock, worker::wake, outbox, notifier);
    ConversationIntake conversationIntake = new ConversationIntake(intake);
    Core core = new Core(config, clock, db, committer, secrets, access, new Projects(db, clock), new Bots(db, clock),
        new Triggers(db, clock, secrets), subscriptions, new Channels(db, clock, subscriptions, safeHttp), triggerIntake,
        rateLimiter, conversationIntake, new ChannelIntake(intake),
        new ContactConversations(intake, conversationIntake), notifier, replies, worker,
        dispatcher, scheduler, metrics);
    Gauge.builder("switchboard_queue_depth", () -> db.read(QueueStore::depth)).register(metrics);
    Gauge.builder("switchboard_queue_oldest_seconds", () -> db.read(h -> QueueStore.oldestAgeMs(h, clock.millis())) / 1000.0)
        .description("how long the longest-waiting event has been due").register(metrics);
    Gauge.builder("switchboard_events_in_flight", worker::inFlight).register(metrics);
    TimerPoller timers = new TimerPoller(db, core.conversations(), clock);
    Housekeeping housekeeping = new Housekeeping(db, clock, metrics, Duration.ofDays(config.logRetentionDays()));
    if (options.startWorker()) {
      worker.start();
      timers.start();
      housekeeping.start();
      dispatcher.start();
      scheduler.start();
    }
    Gauge.builder("switchboard_deliveries_pending", () -> db.read(OutboxStore::pending)).register(metrics);
    if (config.demo() && !db.read(ProjectStore::any)) Demo.create(core, console, config.httpPort());
    HttpServer http;
    try {
      http = new HttpServer(core).start("0.0.0.0", config.httpPort());
    } catch (RuntimeException e) {
      new App(core, null, timers, housekeeping, safeHttp, clusterSignals, () -> {}).close(); // what has started stops again
      throw e;
    }
    LOG.info("Switchboard listening on port {} ({} database)", http.port(), config.embedded() ? "embedded SQLite" : "PostgreSQL");
    return new App(core, http, timers, housekeeping, safeHttp, clusterSignals, dataDir);
  }

  private static void migrate(Database db, Config config) {
    // PostgreSQL may still be starting; keep trying for a while rather than failing the node.
    long deadline = System.currentTimeMillis() + (config.embedded() ? 0 : 60_000);
    while (true) {
      try {
        db.migrate();
        return;
      } catch (RuntimeException e) {
        if (System.currentTimeMillis() > deadline) throw e;
        LOG.warn("database not ready, retrying: {}", e.getMessage());
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /**
   * The embedded database has one node at a time (its directory is locked), so any lease in it is held by a node
   * that is gone: the events and deliveries it was running go on now instead of when their leases run out (30 s).
   */
  private static void takeUpWorkInFlight(Database db, Clock clock) {
    long now = clock.millis();
    int[] taken = db.write(h -> new int[] {QueueStore.expireLeases(h, now), OutboxStore.expireLeases(h, now)});
    if (taken[0] + taken[1] > 0) {
      LOG.info("{} events and {} deliveries were in flight when this data directory's last node stopped; they go on now",
          taken[0], taken[1]);
    }
  }

  private static String adminTokenHash(Database db, Config config, PrintStream console) {
    if (config.adminToken() != null) return Secrets.hash(config.adminToken());
    var stored = db.read(h -> ProjectStore.setting(h, Access.ADMIN_TOKEN_HASH));
    if (stored.isPresent()) return stored.get();
    String token = Secrets.token("sb_admin_");
    String hash = db.write(h -> ProjectStore.settingIfAbsent(h, Access.ADMIN_TOKEN_HASH, Secrets.hash(token)));
    if (hash.equals(Secrets.hash(token))) {
      // Shown once on the console (not through the logger), then only its hash exists.
      console.println();
      console.println("  Admin token (shown once, store it now): " + token);
      console.println();
    }
    return hash;
  }

  public Core core() { return core; }

  public int port() { return http.port(); }

  public java.util.List<org.switchboard.http.Api.Route> routes() { return http.routes(); }

  /** Graceful stop: refuse new requests, finish in-flight ones, give back leases; within 10 s. */
  @Override
  public void close() {
    LOG.info("stopping");
    if (http != null) http.stop();
    timers.close();
    housekeeping.close();
    core.scheduler().close();
    // Within SIGTERM's 10 s: HTTP drains for up to 4 s, running events get 3 s, sends 2 s.
    core.worker().stop(3_000);
    core.dispatcher().stop(2_000);
    outboundHttp.close();
    closeQuietly(clusterSignals, "cluster signals");
    core.committer().close();
    core.db().close();
    closeQuietly(dataDir, "the data directory's lock");
    LOG.info("stopped");
  }

  private static void closeQuietly(AutoCloseable resource, String what) {
    try {
      resource.close();
    } catch (Exception e) {
      LOG.debug("closing {}: {}", what, e.getMessage());
    }
  }
}
