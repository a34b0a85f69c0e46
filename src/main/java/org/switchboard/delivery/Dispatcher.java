package org.switchboard.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchboard.catalog.Subscriptions;
import org.switchboard.model.BoundedCache;
import org.switchboard.model.Delivery;
import org.switchboard.model.DeliveryAttempt;
import org.switchboard.model.Json;
import org.switchboard.model.Notification;
import org.switchboard.model.Subscription;
import org.switchboard.net.SafeHttp;
import org.switchboard.runtime.Templates;
import org.switchboard.store.Database;
import org.switchboard.store.GroupCommitter;
import org.switchboard.store.OutboxStore;
import org.switchboard.store.SubscriptionStore;

/**
 * Sends pending deliveries: claims them under a lease, signs and POSTs each (Standard Webhooks), and records every
 * attempt. Only a 2xx succeeds; failures follow the retry schedule with jitter, or Retry-After when the receiver
 * gives one; a 410 disables the subscription, and so do five days of nothing but failures.
 */
public final class Dispatcher implements AutoCloseable {
  /** Delays before each retry; after the last one the delivery has failed for good. */
  public record Schedule(long[] retryDelaysMs, long disableAfterMs, Duration timeout) {
    /** 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; 15 s per attempt; disabled after 5 days of failures. */
    public static final Schedule DEFAULT = new Schedule(new long[] {5_000, 300_000, 1_800_000, 7_200_000, 18_000_000,
        36_000_000, 36_000_000}, 5L * 24 * 3600 * 1000, Duration.ofSeconds(15));
  }

  /** Connecting may take this long (the rest of the attempt's time is the schedule's timeout). */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final long LEASE_MS = 30_000; // longer than one attempt can take
  private static final long MAX_RETRY_AFTER_MS = 36_000_000;
  private static final int EXCERPT = 1024;
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final Database db;
  private final GroupCommitter committer;
  private final SafeHttp http;
  private final Subscriptions subscriptions;
  private final Outbox outbox;
  private final Notifier notifier;
  private final Clock clock;
  private final String owner;
  private final Schedule schedule;
  private final Semaphore slots;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private volatile boolean running;
  private Thread loop;

  private final Counter delivered;
  private final Counter attemptsFailed;

  public Dispatcher(Database db, GroupCommitter committer, SafeHttp http, Subscriptions subscriptions, Outbox outbox,
                    Notifier notifier, Clock clock, String owner, int concurrency, Schedule schedule,
                    MeterRegistry metrics) {
    this.delivered = attempts(metrics, "delivered");
    this.attemptsFailed = attempts(metrics, "failed");
    this.db = db;
    this.committer = committer;
    this.http = http;
    this.subscriptions = subscriptions;
    this.outbox = outbox;
    this.notifier = notifier;
    this.clock = clock;
    this.owner = owner;
    this.schedule = schedule;
    this.slots = new Semaphore(concurrency);
  }

  private static Counter attempts(MeterRegistry metrics, String outcome) {
    return Counter.builder("switchboard_delivery_attempts").description("webhook delivery attempts, by outcome")
        .tag("outcome", outcome).register(metrics);
  }

  /**
   * A free slot for a delivery to be stored already leased to this dispatcher, so that it skips the claim and the
   * reads after it; null when there is none. Exactly one of {@link Reservation#send} or {@link Reservation#cancel}
   * must follow.
   */
  Reservation reserve() {
    if (!running || !slots.tryAcquire()) return null;
    return new Reservation();
  }

  final class Reservation {
    private Reservation() {}

    String owner() { return owner; }

    long leaseUntil(long now) { return now + LEASE_MS; }

    /**
     * Once the delivery is stored leased and on disk: sends it. The subscription is the catalog's copy and the
     * notification is assembled from what its producer wrote, so nothing is read back.
     */
    void send(Delivery d, Subscription s, java.util.function.Supplier<Notification> notification) {
      sendInSlot(d, s, notification);
    }

    /** The delivery was not stored leased after all: the slot goes back. */
    void cancel() { slots.release(); }
  }

  /** Sends a leased delivery on its own thread, in the slot the caller holds; the slot is freed when it is done. */
  private void sendInSlot(Delivery d, Subscription s, java.util.function.Supplier<Notification> notification) {
    inFlight.add(d.id());
    try {
      executor.execute(() -> {
        try {
          send(d, s, notification.get());
        } catch (RuntimeException e) {
          LOG.warn("delivery {} could not be settled; its lease will expire: {}", d.id(), e.toString());
        } finally {
          inFlight.remove(d.id());
          slots.release();
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException stopping) {
      // stopping: the lease is given back with the others, or expires
      inFlight.remove(d.id());
      slots.release();
    }
  }

  public void start() {
    running = true;
    loop = Thread.ofPlatform().name("dispatcher").daemon(true).start(this::claimLoop);
  }

  private void claimLoop() {
    try (Notifier.Ticket ticket = notifier.ticket(Notifier.DELIVERIES)) {
      while (running) {
        try {
          // Wait for a free slot: a finished send makes room at once, without waiting for a poll.
          slots.acquire();
          slots.release();
          int free = slots.availablePermits();
          long now = clock.millis();
          // Most wake-ups come from notifications no subscription wanted: ask the database before the writer.
          List<Delivery> claimed = !db.read(h -> OutboxStore.anyDue(h, now)) ? List.of()
              : committer.submit(h -> OutboxStore.claim(h, db.dialect(), owner, now, now + LEASE_MS, Math.min(free, 500)));
          // What the batch needs, read once: its subscriptions and notifications.
          Map<String, Subscription> subs = new java.util.HashMap<>();
          Map<String, Notification> notes = new java.util.HashMap<>();
          if (!claimed.isEmpty()) {
            db.read(h -> {
              SubscriptionStore.byIds(h, claimed.stream().map(Delivery::subscriptionId).collect(java.util.stream.Collectors.toSet()))
                  .forEach(s -> subs.put(s.id(), s));
              OutboxStore.notificationsOf(h, claimed)
                  .forEach(n -> notes.put(n.id(), n));
              return null;
            });
          }
          for (Delivery d : claimed) {
            slots.acquireUninterruptibly();
            sendInSlot(d, subs.get(d.subscriptionId()), () -> notes.get(d.notificationId()));
          }
          if (claimed.isEmpty()) ticket.await(250);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          LOG.warn("claiming deliveries failed; retrying: {}", e.toString());
          ticket.await(1000);
        }
      }
    }
  }

  void send(Delivery d, Subscription s, Notification n) {
    if (s == null) return;
    if (n == null) {
      // Log retention removed its feed page: a delivery retried by hand after the retention had passed.
      committer.submit(h -> OutboxStore.settle(h, d.id(), owner, Delivery.FAILED, d.consecutiveFailures(),
          d.nextAttemptAt(), null, "its notification is no longer stored (log retention)", clock.millis()));
      return;
    }
    long now = clock.millis();
    byte[] body = body(s, n);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    s.headers().fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
    long timestamp = now / 1000;
    headers.put("webhook-id", d.id());
    headers.put("webhook-timestamp", String.valueOf(timestamp));
    headers.put("webhook-signature", Signer.signature(subscriptions.signingSecrets(s, now), d.id(), timestamp, body));
    Integer status = null;
    String error = null;
    String excerpt = null;
    String retryAfter = null;
    long duration;
    try {
      SafeHttp.Response r = http.send(s.method(), url(s), headers, s.method().equals("GET") ? null : body, schedule.timeout());
      status = r.status();
      duration = r.durationMs();
      excerpt = new String(r.body(), 0, Math.min(r.body().length, EXCERPT), StandardCharsets.UTF_8);
      retryAfter = r.header("retry-after");
    } catch (SafeHttp.Failed e) {
      error = e.getMessage();
      duration = e.durationMs;
    }
    settle(d, s, status, error, excerpt, retryAfter, now, duration);
  }

  private void settle(Delivery d, Subscription s, Integer status, String error, String excerpt, String retryAfter,
                      long startedAt, long duration) {
    long now = clock.millis();
    boolean ok = status != null && status >= 200 && status < 300;
    (ok ? delivered : attemptsFailed).increment();
    boolean gone = status != null && status == 410;
    String lastError = ok ? null : error != null ? error : "the endpoint answered " + status;
    // A delivery handed straight to this dispatcher carries the catalog's copy of its subscription, so a change of
    // the failing state is a catalog change too: the copies follow it.
    boolean catalogChanged = committer.submit(h -> {
      OutboxStore.recordAttempt(committer, h, d.id(), new DeliveryAttempt(d.attempts(), startedAt, status, error, duration, excerpt));
      String outcome;
      int failures = ok ? 0 : d.consecutiveFailures() + 1;
      long next = d.nextAttemptAt();
      boolean changed = false;
      if (ok) {
        outcome = Delivery.SUCCEEDED;
        // Read with the claim or from the catalog; a failure since then is cleared by the next success's fresher read.
        if (s.failingSince() != null) changed = SubscriptionStore.markHealthy(h, s.id());
      } else if (gone || failures > schedule.retryDelaysMs().length) {
        outcome = Delivery.FAILED;
      } else {
        outcome = Delivery.PENDING;
        next = now + Math.max(jitter(schedule.retryDelaysMs()[failures - 1]), retryAfterMs(retryAfter, now));
      }
      if (!OutboxStore.settle(h, d.id(), owner, outcome, failures, next, status, lastError,
          outcome.equals(Delivery.PENDING) ? null : now)) {
        throw new IllegalStateException("lease of delivery " + d.id() + " was lost");
      }
      if (!ok) {
        changed = SubscriptionStore.markFailing(h, s.id(), startedAt);
        long failingSince = s.failingSince() != null ? s.failingSince() : startedAt;
        String reason = gone ? "the endpoint answered 410 Gone"
            : now - failingSince >= schedule.disableAfterMs() ? "every delivery attempt failed for " + days(schedule.disableAfterMs()) : null;
        if (reason != null && SubscriptionStore.disable(h, s.id(), reason, now)) {
          outbox.subscriptionDisabled(h, s, reason, now);
          return true;
        }
      }
      return changed;
    });
    if (catalogChanged) db.catalog().changed();
    if (ok && d.ordered()) notifier.deliveriesDue(); // the conversation's next one may go now
    if (!ok) notifier.feedChanged(s.projectId());
  }

  private static String days(long ms) { return Duration.ofMillis(ms).toDays() + " days"; }

  static byte[] body(Subscription s, Notification n) {
    ObjectNode envelope = n.envelope();
    if (s.bodyTemplate() == null) return Json.write(envelope).getBytes(StandardCharsets.UTF_8);
    ObjectNode context = Json.object();
    context.set("event", envelope);
    for (String part : List.of("message", "conversation", "contact", "bot")) context.set(part, n.data().get(part));
    JsonNode template = s.bodyTemplate();
    String body = template.isTextual() ? Templates.render(template.asText(), context)
        : Json.write(Templates.renderJson(template, context));
    return body.getBytes(StandardCharsets.UTF_8);
  }

  /** Parsing a URL costs about as much as signing the body: each subscription's is parsed once. */
  static URI url(Subscription s) {
    return URIS.get(withQuery(s), URI::create);
  }

  private static final BoundedCache<String, URI> URIS = new BoundedCache<>(10_000);

  private static String withQuery(Subscription s) {
    if (s.queryParams().isEmpty()) return s.url();
    StringBuilder url = new StringBuilder(s.url()).append(s.url().contains("?") ? '&' : '?');
    var fields = s.queryParams().fields();
    while (fields.hasNext()) {
      var e = fields.next();
      url.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(e.getValue().asText(), StandardCharsets.UTF_8));
      if (fields.hasNext()) url.append('&');
    }
    return url.toString();
  }

  /** ±20% so that receivers that failed together do not all get retried in the same instant. */
  private static long jitter(long delay) {
    return delay - delay / 5 + ThreadLocalRandom.current().nextLong(Math.max(1, 2 * delay / 5));
  }

  /** Retry-After as seconds or an HTTP date; 0 when absent or unreadable. */
  static long retryAfterMs(String value, long now) {
    if (value == null || value.isBlank()) return 0;
    try {
      return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Long.parseLong(value.trim()) * 1000));
    } catch (NumberFormatException notSeconds) {
      try {
        long at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - now));
      } catch (RuntimeException unreadable) {
        return 0;
      }
    }
  }

  public int inFlight() { return inFlight.size(); }

  /** New deliveries are due: claim without waiting for the next poll. */
  public void wakeUp() { notifier.deliveriesDue(); }

  /** Stops claiming, lets running sends finish for up to {@code graceMillis}, then gives back the rest. */
  public void stop(long graceMillis) {
    running = false;
    if (loop == null) return;
    loop.interrupt();
    executor.shutdown();
    try {
      executor.awaitTermination(graceMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      db.write(h -> OutboxStore.release(h, owner, clock.millis()));
    } catch (RuntimeException e) {
      LOG.warn("releasing delivery leases failed; they expire in {} ms: {}", LEASE_MS, e.toString());
    }
    executor.shutdownNow();
  }

  @Override
  public void close() { stop(3_000); }
}
