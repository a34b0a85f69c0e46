package org.switchboard.processing;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchboard.intake.Handoff;
import org.switchboard.model.Conversation;
import org.switchboard.model.Event;
import org.switchboard.store.Database;
import org.switchboard.store.GroupCommitter;
import org.switchboard.store.QueueStore;

/**
 * Claims queued events under a lease and runs each on a virtual thread. Leases are renewed while work runs; a
 * node that dies stops renewing, so its events become claimable again once the lease runs out.
 */
public final class Worker implements Handoff, AutoCloseable {
  public static final long LEASE_MS = 30_000;
  private static final long IDLE_POLL_MS = 500;
  private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

  private final Database db;
  private final GroupCommitter committer;
  private final EventProcessor processor;
  private final Clock clock;
  private final String owner;
  private final int concurrency;
  private final Semaphore slots;
  private final Semaphore wakeUp = new Semaphore(0);
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private volatile boolean running;
  private Thread loop;
  private Thread renewer;

  public Worker(Database db, GroupCommitter committer, EventProcessor processor, Clock clock, String owner, int concurrency) {
    this.db = db;
    this.committer = committer;
    this.processor = processor;
    this.clock = clock;
    this.owner = owner;
    this.concurrency = concurrency;
    this.slots = new Semaphore(concurrency);
  }

  public void start() {
    running = true;
    loop = Thread.ofPlatform().name("worker-claim").daemon(true).start(this::claimLoop);
    renewer = Thread.ofPlatform().name("worker-lease").daemon(true).start(this::renewLoop);
  }

  /** New work was committed: claim without waiting for the next poll. */
  public void wake() {
    if (wakeUp.availablePermits() == 0) wakeUp.release();
  }

  private void claimLoop() {
    while (running) {
      try {
        int free = slots.availablePermits();
        List<QueueStore.Claim> claims = List.of();
        if (free > 0) {
          // Through the group commit, so a claim shares its commit with the intake's writes.
          claims = committer.submit(h -> {
            long now = clock.millis(); // inside the transaction: after the previous event's completion committed
            return QueueStore.claim(h, db.dialect(), owner, now, now + LEASE_MS, free);
          });
        }
        for (QueueStore.Claim claim : claims) {
          slots.acquireUninterruptibly();
          run(claim, null);
        }
        if (claims.isEmpty() || slots.availablePermits() == 0) {
          wakeUp.tryAcquire(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
          wakeUp.drainPermits();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.warn("claiming work failed; retrying: {}", e.toString());
        sleep(1000);
      }
    }
  }

  /**
   * Runs a claimed event in a slot already taken; the slot is given back when it ends. {@code handed} is the event
   * and conversation when intake handed them over, else null (the processor reads them).
   */
  private void run(QueueStore.Claim claim, EventProcessor.Handed handed) {
    inFlight.add(claim.eventId());
    try {
      executor.execute(() -> {
        try {
          processor.process(claim, owner, handed);
        } finally {
          inFlight.remove(claim.eventId());
          slots.release();
          wake();
        }
      });
    } catch (RejectedExecutionException stopping) {
      // Shutting down: the lease is given back with the others, or runs out.
      inFlight.remove(claim.eventId());
      slots.release();
    }
  }

  @Override
  public InlineTurn runInline(Event accepted, Conversation conversation) {
    return running ? processor.runInline(accepted, conversation) : null;
  }

  @Override
  public Reservation reserve() {
    if (!running || !slots.tryAcquire()) return null;
    return new Reservation() {
      @Override
      public String owner() { return owner; }

      @Override
      public long leaseUntil(long now) { return now + LEASE_MS; }

      @Override
      public void run(Event event, Conversation conversation) {
        Worker.this.run(new QueueStore.Claim(event.id(), conversation.id(), 1), new EventProcessor.Handed(event, conversation));
      }

      @Override
      public void cancel() { slots.release(); }
    };
  }

  private void renewLoop() {
    while (running) {
      sleep(LEASE_MS / 3);
      if (inFlight.isEmpty()) continue;
      try {
        List<String> ids = List.copyOf(inFlight);
        db.write(h -> QueueStore.renew(h, owner, ids, clock.millis() + LEASE_MS));
      } catch (RuntimeException e) {
        LOG.warn("renewing leases failed: {}", e.toString());
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public int inFlight() { return inFlight.size(); }

  /** Stops claiming, lets running events finish for up to {@code graceMillis}, then gives back the rest. */
  public void stop(long graceMillis) {
    running = false;
    if (loop == null) return;
    wake();
    loop.interrupt();
    renewer.interrupt();
    executor.shutdown();
    try {
      if (!executor.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
        LOG.info("{} events still running at shutdown; releasing their leases", inFlight.size());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      int released = db.write(h -> QueueStore.release(h, owner));
      if (released > 0) LOG.info("released {} leases", released);
    } catch (RuntimeException e) {
      LOG.warn("releasing leases failed; they expire in {} ms: {}", LEASE_MS, e.toString());
    }
    executor.shutdownNow();
  }

  @Override
  public void close() { stop(5_000); }
}
