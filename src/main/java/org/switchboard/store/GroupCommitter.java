package org.switchboard.store;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: callers hand in small units of write work and block; a lane runs as many waiting units as it can
 * in a single transaction and answers them all after the commit. A unit that fails is undone alone (the batch runs
 * again with a savepoint per unit) and the others still commit. With many concurrent callers this turns one fsync
 * per call into one fsync per batch. One lane: SQLite has one writer, and on PostgreSQL more lanes measured slower
 * (smaller batches, more commits; docs/benchmarks.md). On SQLite the fsync is a stage of its own: the lane commits
 * a batch and goes on with the next while a second thread syncs the log and only then answers the batch's callers.
 */
public final class GroupCommitter implements AutoCloseable {
  public interface Unit<T> {
    T run(Handle handle) throws Exception;
  }

  /** Work the units of one batch hand over to be done once, at the end of the batch, just before it commits. */
  public interface BatchEnd {
    void flush(Handle handle);
  }

  private record Pending<T>(Unit<T> unit, CompletableFuture<T> result) {}

  /** A batch committed but perhaps not yet on disk, with each unit's outcome and what waits for it to be durable. */
  private record Committed(List<Pending<?>> batch, List<Object> results, List<AfterCommit> actions) {}

  /** Work that may start only once its batch is durable, and what undoes its preparation if the batch is not. */
  private record AfterCommit(Runnable durable, Runnable undone) {}

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);
  /**
   * A batch takes what is waiting when the lane is free and never waits for more: units arrive while the previous
   * batch commits, so batches grow with the load by themselves, and a wait for fuller ones only delayed every caller
   * (docs/decisions.md, the group commit's linger).
   */
  private static final int MAX_BATCH = 512;
  /** Deadlock and serialization failures: the whole batch is simply run again. */
  private static final List<String> TRANSIENT_STATES = List.of("40P01", "40001");

  private final Database db;
  private final DistributionSummary batchSizes;
  private final Timer commitTimes;
  private final Timer syncTimes;
  private final LinkedBlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<Committed> unsynced = new LinkedBlockingQueue<>();
  private final Lane lane;
  private final Thread syncer;
  private volatile boolean running = true;

  public GroupCommitter(Database db, MeterRegistry metrics) {
    this.db = db;
    this.batchSizes = DistributionSummary.builder("switchboard_commit_batch_size").description("units per group commit")
        .publishPercentiles(0.5, 0.99).register(metrics);
    this.commitTimes = Timer.builder("switchboard_commit_duration").description("one group commit: all units and the commit (on SQLite without the sync that follows it)")
        .publishPercentiles(0.5, 0.99).register(metrics);
    this.syncTimes = Timer.builder("switchboard_sync_duration").description("one sync of committed batches to disk (SQLite's fsync of its log), before their callers are answered")
        .publishPercentiles(0.5, 0.99).register(metrics);
    this.lane = new Lane("group-commit");
    this.syncer = db.syncsApart() ? Thread.ofPlatform().name("group-sync").daemon(true).start(this::syncLoop) : null;
  }

  /** Syncs whatever batches were committed since the last sync with one fsync, then answers their callers. */
  private void syncLoop() {
    List<Committed> ready = new ArrayList<>();
    while (lane.thread.isAlive() || !unsynced.isEmpty()) {
      try {
        Committed first = unsynced.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        ready.add(first);
        unsynced.drainTo(ready);
        try {
          long start = System.nanoTime();
          db.sync();
          syncTimes.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
          for (Committed c : ready) completeAll(c.batch(), c.results());
          for (Committed c : ready) run(c.actions(), AfterCommit::durable);
        } catch (RuntimeException e) {
          LOG.warn("{} committed batches could not be synced: {}", ready.size(), e.toString());
          StorageUnavailable failure = e instanceof StorageUnavailable su ? su
              : new StorageUnavailable("the database did not sync: " + e);
          for (Committed c : ready) for (Pending<?> p : c.batch()) p.result().completeExceptionally(failure);
          for (Committed c : ready) run(c.actions(), AfterCommit::undone);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        ready.clear();
      }
    }
  }

  private static void run(List<AfterCommit> actions, java.util.function.Function<AfterCommit, Runnable> which) {
    for (AfterCommit action : actions) {
      try {
        which.apply(action).run();
      } catch (RuntimeException e) {
        LOG.warn("work after a commit failed: {}", e.toString());
      }
    }
  }

  private static void completeAll(List<Pending<?>> batch, List<Object> results) {
    for (int i = 0; i < batch.size(); i++) complete(batch.get(i), results.get(i));
  }

  /** Runs the unit in the next batch and returns its result once the batch is committed. */
  public <T> T submit(Unit<T> unit) {
    if (!running) throw new StorageUnavailable("the server is shutting down");
    CompletableFuture<T> result = new CompletableFuture<>();
    queue.add(new Pending<>(unit, result));
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageUnavailable("interrupted while waiting for a commit");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) throw re;
      throw new IllegalStateException(cause);
    }
  }

  /**
   * Inside a unit of a batch that runs all its units in one go: the batch's end-of-batch work under {@code key},
   * made on first use. Null anywhere else (another transaction, or a batch re-run unit by unit after a failure),
   * where the caller does the work at once.
   */
  @SuppressWarnings("unchecked")
  public <E extends BatchEnd> E atBatchEnd(Handle h, Object key, Supplier<E> create) {
    if (!inOptimisticBatch(h)) return null;
    return (E) lane.batchEnds.computeIfAbsent(key, k -> create.get());
  }

  /** Whether this is the lane's thread running a batch that runs all its units in one go, on {@code h}. */
  private boolean inOptimisticBatch(Handle h) {
    return Thread.currentThread() == lane.thread && h == lane.batchHandle;
  }

  /**
   * Inside a unit of a batch that runs all its units in one go: {@code durable} runs once the batch is committed
   * and on disk, {@code undone} if it is not (the batch failed, or runs again unit by unit). False anywhere else,
   * where nothing is registered.
   */
  public boolean afterCommit(Handle h, Runnable durable, Runnable undone) {
    if (!inOptimisticBatch(h)) return false;
    lane.afterCommits.add(new AfterCommit(durable, undone));
    return true;
  }

  /**
   * An INSERT of a row that no unit of the batch reads back: run at the batch's end with the other rows of the same
   * statement (one multi-row insert on PostgreSQL, one round trip), or at once outside an optimistic batch.
   */
  void insertAtBatchEnd(Handle h, String sql, Object... args) {
    Inserts inserts = atBatchEnd(h, Inserts.class, Inserts::new);
    if (inserts == null) Sql.update(h, sql, args);
    else inserts.rows.computeIfAbsent(sql, k -> new ArrayList<>()).add(args);
  }

  private static final class Inserts implements BatchEnd {
    private final Map<String, List<Object[]>> rows = new LinkedHashMap<>();

    @Override
    public void flush(Handle h) {
      rows.forEach((sql, batch) -> Sql.batch(h, sql, batch));
    }
  }

  private final class Lane {
    private final Thread thread;
    // The optimistic batch now running and its end-of-batch work; touched by this lane's thread only.
    private Handle batchHandle;
    private final Map<Object, BatchEnd> batchEnds = new LinkedHashMap<>();
    private final List<AfterCommit> afterCommits = new ArrayList<>();

    Lane(String name) {
      thread = Thread.ofPlatform().name(name).daemon(true).start(this::loop);
    }

    private void loop() {
      List<Pending<?>> batch = new ArrayList<>(MAX_BATCH);
      while (running || !queue.isEmpty()) {
        try {
          Pending<?> first = queue.poll(200, TimeUnit.MILLISECONDS);
          if (first == null) continue;
          batch.add(first);
          queue.drainTo(batch, MAX_BATCH - 1);
          commit(batch);
        } catch (RuntimeException | Error e) {
          // This thread is every writer's only way to the database: it must outlive any one batch.
          LOG.error("a group commit failed unexpectedly; its callers get 503", e);
          StorageUnavailable failure = new StorageUnavailable("the database did not commit: " + e);
          for (Pending<?> p : batch) p.result().completeExceptionally(failure);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } finally {
          batch.clear();
        }
      }
    }

    private void commit(List<Pending<?>> batch) {
      batchSizes.record(batch.size());
      long start = System.nanoTime();
      List<Object> results = null;
      for (int attempt = 1; results == null; attempt++) {
        try {
          // Optimistic: all units in one transaction without savepoints. If any fails, the transaction is rolled
          // back and the batch runs again with a savepoint per unit, so the failure is undone alone.
          // A transient failure in the rerun leaves results unset, so the whole batch runs again from the start.
          List<Object> optimistic = runBatch(batch, false);
          results = optimistic.stream().anyMatch(r -> r instanceof Failed) ? runBatch(batch, true) : optimistic;
        } catch (RuntimeException e) {
          if (attempt < 3 && isTransient(e)) continue;
          LOG.warn("a batch of {} writes failed to commit: {}", batch.size(), withCauses(e));
          StorageUnavailable failure = new StorageUnavailable("the database did not commit: " + e.getMessage());
          for (Pending<?> p : batch) p.result().completeExceptionally(failure);
          return;
        }
      }
      commitTimes.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      List<AfterCommit> actions = afterCommits.isEmpty() ? List.of() : List.copyOf(afterCommits);
      afterCommits.clear();
      if (syncer == null) {
        completeAll(batch, results);
        run(actions, AfterCommit::durable);
      } else {
        unsynced.add(new Committed(List.copyOf(batch), results, actions));
      }
    }

    private List<Object> runBatch(List<Pending<?>> batch, boolean isolated) {
      List<Object> results = new ArrayList<>(batch.size());
      boolean committed = false;
      try {
        db.writeUnsynced(h -> {
          results.clear();
          batchHandle = isolated ? null : h;
          for (int i = 0; i < batch.size(); i++) {
            Object outcome = isolated ? runIsolated(h, batch.get(i), i) : runPlain(h, batch.get(i));
            results.add(outcome);
            if (!isolated && outcome instanceof Failed) throw new FirstFailure();
          }
          for (BatchEnd end : batchEnds.values()) end.flush(h);
          return null;
        });
        committed = true;
      } catch (FirstFailure rolledBack) {
        // results ends with the failure; the caller runs the batch again, isolated
      } finally {
        batchHandle = null;
        batchEnds.clear();
        if (!committed) {
          GroupCommitter.run(afterCommits, AfterCommit::undone);
          afterCommits.clear();
        }
      }
      return results;
    }
  }

  /** A failure and its causes on one line: JDBI's wrapper alone hides what the database said (a full disk). */
  static String withCauses(Throwable failure) {
    StringBuilder line = new StringBuilder(failure.toString());
    Throwable t = failure.getCause();
    for (int depth = 0; t != null && depth < 8; t = t.getCause(), depth++) {
      line.append(" <- ").append(t);
    }
    return line.toString();
  }

  private static boolean isTransient(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null && TRANSIENT_STATES.contains(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  private static final class FirstFailure extends RuntimeException {
    FirstFailure() { super(null, null, false, false); }
  }

  private static Object runPlain(Handle h, Pending<?> pending) {
    try {
      return new Ok(pending.unit().run(h));
    } catch (Exception e) {
      return new Failed(e);
    }
  }

  /**
   * One unit in its own savepoint: its failure is undone alone. A deadlock or serialization failure (another
   * node's writer took the same rows in the other order) is not the unit's own: the lock it waited for may be held
   * against one taken by an earlier unit of this batch, which only the end of the transaction releases. So it ends
   * the whole transaction, and the batch runs again ({@link Lane#commit}).
   */
  private static Object runIsolated(Handle h, Pending<?> pending, int index) {
    String savepoint = "u" + index;
    h.savepoint(savepoint);
    try {
      Object value = pending.unit().run(h);
      h.releaseSavepoint(savepoint);
      return new Ok(value);
    } catch (Exception e) {
      if (isTransient(e)) throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
      h.rollbackToSavepoint(savepoint);
      return new Failed(e);
    }
  }

  private record Ok(Object value) {}
  private record Failed(Exception error) {}

  @SuppressWarnings("unchecked")
  private static <T> void complete(Pending<T> pending, Object outcome) {
    if (outcome instanceof Ok ok) pending.result().complete((T) ok.value());
    else pending.result().completeExceptionally(((Failed) outcome).error());
  }

  /** Stops after the units already handed in are committed (and synced). */
  @Override
  public void close() {
    running = false;
    try {
      lane.thread.join(5_000);
      if (syncer != null) syncer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The database could not take the write; callers answer 503. */
  public static final class StorageUnavailable extends RuntimeException {
    public StorageUnavailable(String message) { super(message, null, false, false); }
  }
}
