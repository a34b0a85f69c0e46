package org.switchboard.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: callers hand in small units of write work and block; one thread runs as many waiting units as it
 * can in a single transaction and answers them all after the commit. Each unit runs inside a savepoint, so a unit
 * that fails is undone alone and the others still commit. With many concurrent callers this turns one fsync per
 * call into one fsync per batch.
 */
public final class GroupCommitter implements AutoCloseable {
  public interface Unit<T> {
    T run(Handle handle) throws Exception;
  }

  private record Pending<T>(Unit<T> unit, CompletableFuture<T> result) {}

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);
  private static final int MAX_BATCH = 512;

  private final Database db;
  private final LinkedBlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;

  public GroupCommitter(Database db) {
    this.db = db;
    this.thread = Thread.ofPlatform().name("group-commit").daemon(true).start(this::loop);
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

  private void loop() {
    List<Pending<?>> batch = new ArrayList<>(MAX_BATCH);
    while (running || !queue.isEmpty()) {
      try {
        Pending<?> first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        commit(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void commit(List<Pending<?>> batch) {
    List<Object> results = new ArrayList<>(batch.size());
    try {
      db.write(h -> {
        results.clear();
        for (int i = 0; i < batch.size(); i++) results.add(runOne(h, batch.get(i), i));
        return null;
      });
    } catch (RuntimeException e) {
      LOG.warn("a batch of {} writes failed to commit: {}", batch.size(), e.toString());
      StorageUnavailable failure = new StorageUnavailable("the database did not commit: " + e.getMessage());
      for (Pending<?> p : batch) p.result().completeExceptionally(failure);
      return;
    }
    for (int i = 0; i < batch.size(); i++) complete(batch.get(i), results.get(i));
  }

  private static Object runOne(Handle h, Pending<?> pending, int index) {
    String savepoint = "u" + index;
    h.savepoint(savepoint);
    try {
      Object value = pending.unit().run(h);
      h.releaseSavepoint(savepoint);
      return new Ok(value);
    } catch (Exception e) {
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

  /** Stops after the units already handed in are committed. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The database could not take the write; callers answer 503. */
  public static final class StorageUnavailable extends RuntimeException {
    public StorageUnavailable(String message) { super(message, null, false, false); }
  }
}
