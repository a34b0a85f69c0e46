package org.switchboard.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchboard.model.Ids;
import org.switchboard.store.Database;

/**
 * Carries {@link Notifier} signals between nodes on PostgreSQL with LISTEN/NOTIFY, so a stream or a waiting caller
 * on one node wakes when another node commits. Signals are coalesced and sent after their commit, several keys to a
 * NOTIFY. They only wake: waiters always re-read the database, and after a lost connection every waiter is woken,
 * so a dropped signal costs latency, never data.
 */
public final class ClusterSignals implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterSignals.class);
  static final String CHANNEL = "switchboard_signals";
  private static final int MAX_PAYLOAD = 7_000; // PostgreSQL's limit is 8,000 bytes
  private static final long RECONNECT_MS = 1_000;
  private static final long COALESCE_MS = 2;

  private final Database db;
  private final Notifier notifier;
  private final String node = Ids.next("n");
  private final Set<String> outgoing = ConcurrentHashMap.newKeySet();
  private final Semaphore pending = new Semaphore(0);
  private volatile boolean running = true;
  private final Thread sender;
  private final Thread listener;

  public ClusterSignals(Database db, Notifier notifier) {
    this.db = db;
    this.notifier = notifier;
    this.sender = Thread.ofPlatform().daemon().name("signals-out").unstarted(this::sendLoop);
    this.listener = Thread.ofPlatform().daemon().name("signals-in").unstarted(this::listenLoop);
  }

  public ClusterSignals start() {
    notifier.relayTo(this::relay);
    sender.start();
    listener.start();
    return this;
  }

  private void relay(String key) {
    if (outgoing.add(key) && pending.availablePermits() == 0) pending.release();
  }

  private void sendLoop() {
    while (running) {
      try {
        pending.tryAcquire(1, TimeUnit.SECONDS);
        pending.drainPermits();
        List<String> keys = new ArrayList<>(outgoing);
        if (keys.isEmpty()) continue;
        keys.forEach(outgoing::remove);
        List<String> payloads = payloads(keys);
        // One transaction, committed without waiting for PostgreSQL's WAL flush: a NOTIFY takes a transaction id,
        // so each commit would otherwise wait for a disk flush of its own. A signal lost in a crash costs nothing;
        // waiters re-read the database on their own clock.
        db.read(h -> h.inTransaction(t -> {
          t.execute("SET LOCAL synchronous_commit TO OFF");
          for (String payload : payloads) t.execute("SELECT pg_notify(?, ?)", CHANNEL, payload);
          return null;
        }));
        // Let the next keys gather: under load every commit raises a signal, and a NOTIFY each cost the node and
        // PostgreSQL a tenth of their CPU. Other nodes hear at most this much later.
        Thread.sleep(COALESCE_MS);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // The database is away; the waiters elsewhere fall back to re-reading on their own clock.
        LOG.debug("cannot send signals: {}", e.getMessage());
        sleep(RECONNECT_MS);
      }
    }
  }

  private List<String> payloads(List<String> keys) {
    List<String> payloads = new ArrayList<>();
    StringBuilder payload = new StringBuilder(node);
    for (String key : keys) {
      if (payload.length() + key.length() + 1 > MAX_PAYLOAD) {
        payloads.add(payload.toString());
        payload = new StringBuilder(node);
      }
      payload.append(' ').append(key);
    }
    payloads.add(payload.toString());
    return payloads;
  }

  private void listenLoop() {
    while (running) {
      try (Connection connection = db.openDirect()) {
        try (Statement s = connection.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
        }
        notifier.receivedAll(); // whatever happened while not listening
        PGConnection pg = connection.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] batch = pg.getNotifications(1_000);
          if (batch == null || batch.length == 0) {
            try (PreparedStatement alive = connection.prepareStatement("SELECT 1")) {
              alive.execute(); // finds a dead connection while idle
            }
            continue;
          }
          for (PGNotification n : batch) receive(n.getParameter());
        }
      } catch (SQLException e) {
        if (running) LOG.debug("signal listener reconnecting: {}", e.getMessage());
        sleep(RECONNECT_MS);
      }
    }
  }

  private void receive(String payload) {
    String[] parts = payload.split(" ");
    if (parts.length == 0 || parts[0].equals(node)) return; // our own, already raised here
    for (int i = 1; i < parts.length; i++) notifier.received(parts[i]);
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    notifier.relayTo(key -> {});
    sender.interrupt();
    listener.interrupt();
  }
}
