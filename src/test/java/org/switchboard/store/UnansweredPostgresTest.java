package org.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchboard.support.BlackHole;
import org.switchboard.support.Pg;
import org.switchboard.support.TestApp;

/**
 * A PostgreSQL that stops answering without closing its sockets fails the writes waiting on it within the socket
 * timeout (callers get StorageUnavailable, a 503), instead of holding them and the group commit's lane until TCP
 * gives up; once it answers again, writes go through without a restart.
 */
class UnansweredPostgresTest {
  private Pg.Target pg;
  private BlackHole network;
  private Database db;
  private GroupCommitter committer;

  @AfterEach
  void close() throws Exception {
    if (committer != null) committer.close();
    if (db != null) db.close();
    if (network != null) network.close();
    if (pg != null) Pg.drop(pg);
  }

  @Test
  void writesFailWithinTheSocketTimeoutAndResumeWhenTheServerAnswersAgain() throws Exception {
    pg = Pg.freshDatabase();
    Matcher server = Pattern.compile("//([^:/]+):(\\d+)/").matcher(pg.url());
    assertThat(server.find()).isTrue();
    network = new BlackHole(server.group(1), Integer.parseInt(server.group(2)));
    String throughNetwork = server.replaceFirst("//127.0.0.1:" + network.port() + "/");
    db = Database.postgres(throughNetwork, pg.user(), pg.password(), Duration.ofSeconds(2));
    db.migrate();
    committer = new GroupCommitter(db, new SimpleMeterRegistry());
    committer.submit(h -> h.execute("CREATE TABLE probe (n int)"));

    network.silence();
    long started = System.nanoTime();
    CompletableFuture<Integer> write = CompletableFuture.supplyAsync(
        () -> committer.submit(h -> h.execute("INSERT INTO probe VALUES (1)")), r -> Thread.ofVirtual().start(r));
    // Without a socket timeout this waits for TCP to give up (about 15 minutes): the get's own bound fails the test.
    assertThatThrownBy(() -> write.get(20, TimeUnit.SECONDS))
        .hasCauseInstanceOf(GroupCommitter.StorageUnavailable.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));

    network.restore();
    TestApp.eventually(20_000, () -> {
      try {
        committer.submit(h -> h.execute("INSERT INTO probe VALUES (2)"));
        return true;
      } catch (GroupCommitter.StorageUnavailable stillAway) {
        return false;
      }
    }, "a write after the server answers again");
    int stored = db.read(h -> h.createQuery("SELECT count(*) FROM probe WHERE n = 2").mapTo(Integer.class).one());
    assertThat(stored).isEqualTo(1);
  }
}
