package org.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    // Hold the writer so that all three units land in one batch.
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
    Future<?> blocker = callers.submit(() -> committer.submit(h -> release.await(5, TimeUnit.SECONDS)));
    Thread.sleep(100);
    // In this order, so that both others have run and registered when the duplicate fails.
    Future<Boolean> first = callers.submit(() -> committer.submit(insert("b")));
    Thread.sleep(50);
    Future<Boolean> third = callers.submit(() -> committer.submit(insert("c")));
    Thread.sleep(50);
    Future<Boolean> duplicate = callers.submit(() -> committer.submit(insert("b")));
    Thread.sleep(50);
    release.countDown();
    blocker.get(5, TimeUnit.SECONDS);
    // The optimistic batch failed on the duplicate: its registrations are undone; the rerun, unit by unit, registers none.
    assertThat(List.of(first.get(5, TimeUnit.SECONDS), third.get(5, TimeUnit.SECONDS))).containsOnly(false);
    assertThatThrownBy(() -> duplicate.get(5, TimeUnit.SECONDS)).hasMessageContaining("UNIQUE");
    assertThat(log).containsExactlyInAnyOrder("undone b", "undone c");
    assertThat(stored("b")).isTrue();
    assertThat(stored("c")).isTrue();
    callers.close();
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
