package org.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Work registered to follow a group commit, on a real SQLite database: it runs only for what is on disk. */
class GroupCommitterTest {
  @TempDir
  Path dir;

  private Database db;
  private GroupCommitter committer;
  private final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeEach
  void open() {
    db = Database.sqlite(dir);
    db.migrate();
    db.write(h -> h.execute("CREATE TABLE probe (name TEXT PRIMARY KEY)"));
    committer = new GroupCommitter(db, new SimpleMeterRegistry());
  }

  @AfterEach
  void close() {
    committer.close();
    db.close();
  }

  /** A unit that inserts {@code name} and asks to be told whether it became durable. */
  private GroupCommitter.Unit<Boolean> insert(String name) {
    return h -> {
      h.execute("INSERT INTO probe (name) VALUES (?)", name);
      return committer.afterCommit(h, () -> log.add("durable " + name + " " + stored(name)), () -> log.add("undone " + name));
    };
  }

  private boolean stored(String name) {
    return db.read(h -> h.createQuery("SELECT COUNT(*) FROM probe WHERE name = :n").bind("n", name).mapTo(Integer.class).one()) == 1;
  }

  @Test
  void runsAfterTheCommitWithTheRowsVisible() throws Exception {
    assertThat(committer.submit(insert("a"))).isTrue();
    waitFor(1);
    assertThat(log).containsExactly("durable a true");
  }

  @Test
  void aFailingUnitUndoesTheOthersRegistrationsAndTheirRerunRegistersNothing() throws Exception {
    // Hold the writer so that the three units land in one batch, queued in this order: both others have run and
    // registered when the duplicate fails.
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Object> blocker = queued(() -> committer.submit(h -> release.await(5, TimeUnit.SECONDS)));
    CompletableFuture<Object> first = queued(() -> committer.submit(insert("b")));
    CompletableFuture<Object> third = queued(() -> committer.submit(insert("c")));
    CompletableFuture<Object> duplicate = queued(() -> committer.submit(insert("b")));
    release.countDown();
    blocker.get(5, TimeUnit.SECONDS);
    // The optimistic batch failed on the duplicate: its registrations are undone; the rerun, unit by unit, registers none.
    assertThat(List.of(first.get(5, TimeUnit.SECONDS), third.get(5, TimeUnit.SECONDS))).containsOnly(false);
    assertThatThrownBy(() -> duplicate.get(5, TimeUnit.SECONDS)).hasMessageContaining("UNIQUE");
    assertThat(log).containsExactlyInAnyOrder("undone b", "undone c");
    assertThat(stored("b")).isTrue();
    assertThat(stored("c")).isTrue();
  }

  @Test
  void aDeadlockWhileTheBatchRunsUnitByUnitRunsTheWholeBatchAgain() throws Exception {
    // The optimistic run fails on the deadlocked unit; its rerun unit by unit meets the deadlock again, which ends
    // the transaction; the next attempt succeeds. Every caller gets its own answer.
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Object> blocker = queued(() -> committer.submit(h -> release.await(5, TimeUnit.SECONDS)));
    CompletableFuture<Object> first = queued(() -> committer.submit(insert("d")));
    CompletableFuture<Object> deadlocked = queued(() -> committer.submit(h -> {
      if (calls.incrementAndGet() <= 2) throw new java.sql.SQLException("deadlock detected", "40P01");
      return "done";
    }));
    release.countDown();
    blocker.get(5, TimeUnit.SECONDS);
    assertThat(deadlocked.get(5, TimeUnit.SECONDS)).isEqualTo("done");
    assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(true);
    assertThat(calls.get()).isEqualTo(3);
    assertThat(stored("d")).isTrue();
    waitFor(2);
    assertThat(log).containsExactly("undone d", "durable d true");
  }

  /** Runs {@code call} on a thread of its own and returns once that thread waits, its unit queued. */
  private static CompletableFuture<Object> queued(java.util.concurrent.Callable<Object> call) throws InterruptedException {
    CompletableFuture<Object> result = new CompletableFuture<>();
    Thread thread = Thread.ofPlatform().daemon().start(() -> {
      try {
        result.complete(call.call());
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (thread.getState() != Thread.State.WAITING && !result.isDone() && System.nanoTime() < deadline) Thread.sleep(1);
    return result;
  }

  @Test
  void outsideABatchNothingIsRegistered() {
    boolean registered = db.write(h -> committer.afterCommit(h, () -> log.add("durable"), () -> log.add("undone")));
    assertThat(registered).isFalse();
    assertThat(log).isEmpty();
  }

  private void waitFor(int entries) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (log.size() < entries && System.nanoTime() < deadline) Thread.sleep(5);
  }
}
