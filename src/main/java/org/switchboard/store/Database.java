package org.switchboard.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import com.zaxxer.hikari.util.DriverDataSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.slf4j.LoggerFactory;

/**
 * The one entry to storage. SQLite (embedded default) and PostgreSQL run the same migrations and the same SQL;
 * the few differences (row locks) live in {@link Dialect}. SQLite allows one writer, so write transactions take a
 * process-wide lock instead of spinning on SQLITE_BUSY.
 */
public final class Database implements AutoCloseable {
  public enum Dialect {
    SQLITE, POSTGRES;

    /** Row lock for read-then-write inside a transaction; SQLite's single writer already serialises. */
    public String forUpdate() { return this == POSTGRES ? " FOR UPDATE" : ""; }

    public String forUpdateSkipLocked(String alias) {
      return this == POSTGRES ? " FOR UPDATE OF " + alias + " SKIP LOCKED" : "";
    }
  }

  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final Dialect dialect;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Catalog catalog = new Catalog(this);
  private volatile boolean migrated;
  private Properties directLogin; // PostgreSQL: for connections that live outside the pool
  private DataSource migrations; // PostgreSQL: the pool's database without its socket timeout
  private Path wal; // SQLite: the write-ahead log that sync() puts on disk

  private Database(HikariDataSource dataSource, Dialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.jdbi = Jdbi.create(dataSource);
  }

  /** The cached catalog rows of the hot paths. */
  public Catalog catalog() { return catalog; }

  /** A write transaction that changes catalog rows (projects, keys, bots, triggers, subscriptions, channels). */
  public <T, X extends Exception> T writeCatalog(HandleCallback<T, X> work) throws X {
    try {
      return write(work);
    } finally {
      catalog.changed();
    }
  }

  /** The embedded database's file exists but SQLite cannot open it (not a database, or unreadable). */
  public static final class Unopenable extends RuntimeException {
    Unopenable(String message, Throwable cause) { super(message, cause); }
  }

  /** What went wrong, in one line: the message, or the exception's class when it has none (a bare NPE says nothing). */
  static String reason(Throwable failure) {
    return failure.getMessage() != null ? failure.getMessage() : failure.getClass().getName();
  }

  public static Database sqlite(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create data directory " + dataDir + ": " + e.getMessage(), e);
    }
    HikariConfig config = new HikariConfig();
    config.setPoolName("sqlite");
    config.setJdbcUrl("jdbc:sqlite:" + dataDir.resolve("switchboard.db").toAbsolutePath());
    // WAL: readers never block the writer. synchronous=NORMAL: a commit only writes the WAL; sync() then puts it
    // on disk before anyone is answered, so the group commit's writer need not wait for the disk (see sync()).
    config.addDataSourceProperty("journal_mode", "WAL");
    config.addDataSourceProperty("synchronous", "NORMAL");
    config.addDataSourceProperty("busy_timeout", "10000");
    config.addDataSourceProperty("foreign_keys", "true");
    config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    // sqlite-jdbc would otherwise query last_insert_rowid() after every insert; nothing reads generated keys.
    config.addDataSourceProperty("jdbc.get_generated_keys", "false");
    config.setMaximumPoolSize(8);
    config.setConnectionTimeout(10_000);
    config.setMaxLifetime(0); // a local file does not go stale, and each connection keeps its prepared statements
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (HikariPool.PoolInitializationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new Unopenable(dataDir.resolve("switchboard.db") + " cannot be opened: " + reason(cause), e);
    }
    Database db = new Database(pool, Dialect.SQLITE);
    db.jdbi.setStatementBuilderFactory(new CachedStatements());
    db.wal = dataDir.resolve("switchboard.db-wal").toAbsolutePath();
    return db;
  }

  /**
   * How long a PostgreSQL connection waits for an answer before it gives up on the server. A server that vanishes
   * without closing its sockets (a failover that moves its address, a cut network) would otherwise hold every call
   * until TCP gives up, about 15 minutes, and the group commit's lane with them; with it, callers get 503 and the
   * pool connects anew. No statement of the product runs this long; a {@code socketTimeout} in the URL wins.
   */
  static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);

  public static Database postgres(String url, String user, String password) {
    return postgres(url, user, password, SOCKET_TIMEOUT);
  }

  static Database postgres(String url, String user, String password, Duration socketTimeout) {
    String timeout = String.valueOf(Math.max(1, socketTimeout.toSeconds()));
    HikariConfig config = new HikariConfig();
    config.setPoolName("postgres");
    config.setJdbcUrl(url);
    if (user != null) config.setUsername(user);
    if (password != null) config.setPassword(password);
    config.setMaximumPoolSize(16);
    config.addDataSourceProperty("reWriteBatchedInserts", "true"); // a batch of inserts is one statement
    config.addDataSourceProperty("socketTimeout", timeout);
    config.setConnectionInitSql(DURABLE_COMMITS);
    config.setConnectionTimeout(5_000);
    // Start even when the database is down; /readyz says 503 until it answers.
    config.setInitializationFailTimeout(-1);
    Database db = new Database(new HikariDataSource(config), Dialect.POSTGRES);
    // Migrations connect without the socket timeout: building an index on a large table may take longer.
    db.migrations = new DriverDataSource(url, null, new Properties(), user, password);
    db.directLogin = new Properties();
    db.directLogin.setProperty("socketTimeout", timeout); // the listener asks the server something every second
    if (user != null) db.directLogin.setProperty("user", user);
    if (password != null) db.directLogin.setProperty("password", password);
    return db;
  }

  /**
   * A 2xx follows the commit, so the commit must be on disk: a server, database or role that turned
   * {@code synchronous_commit} off would lose acknowledged events when PostgreSQL crashes. Every other value (local,
   * remote_write, on, remote_apply) flushes the local WAL first and is kept as the operator set it.
   */
  private static final String DURABLE_COMMITS = "SELECT set_config('synchronous_commit', 'on', false) "
      + "WHERE current_setting('synchronous_commit') = 'off'";

  /** Says once, at start, that the server's own setting was overridden (reset_val: the session's value before). */
  private void warnIfCommitsWereAsynchronous() {
    String configured = jdbi.withHandle(h -> h.createQuery(
        "SELECT reset_val FROM pg_settings WHERE name = 'synchronous_commit'").mapTo(String.class).one());
    if ("off".equals(configured)) {
      LoggerFactory.getLogger(Database.class).warn("PostgreSQL has synchronous_commit off; Switchboard's connections "
          + "set it on, so that an acknowledged event survives a crash of PostgreSQL");
    }
  }

  /**
   * A PostgreSQL connection of its own, outside the pool, for a session that lasts (LISTEN). The caller closes it.
   */
  public Connection openDirect() throws SQLException {
    if (dialect != Dialect.POSTGRES) throw new IllegalStateException("direct connections are for PostgreSQL");
    return DriverManager.getConnection(dataSource.getJdbcUrl(), directLogin);
  }

  public void migrate() {
    Flyway.configure().dataSource(migrations != null ? migrations : dataSource).locations("classpath:db/migration", "classpath:org/switchboard/store/migration").load().migrate();
    if (wal != null) syncDirectory();
    if (dialect == Dialect.POSTGRES) warnIfCommitsWereAsynchronous();
    migrated = true;
  }

  /**
   * The directory's entries on disk, once the WAL exists: {@link #sync} syncs the file's contents, not its name, and
   * the pool's open connections keep that file for the life of the process.
   */
  private void syncDirectory() {
    try (FileChannel directory = FileChannel.open(wal.getParent(), StandardOpenOption.READ)) {
      directory.force(true);
    } catch (IOException e) {
      // Some systems cannot open a directory this way; the file's own syncs still hold.
      LoggerFactory.getLogger(Database.class).warn("cannot sync the data directory {}: {}", wal.getParent(), e.toString());
    }
  }

  public Dialect dialect() { return dialect; }

  /**
   * Runs a write transaction, on disk when this returns; on SQLite writers queue on a lock instead of retrying on
   * SQLITE_BUSY.
   */
  public <T, X extends Exception> T write(HandleCallback<T, X> work) throws X {
    T result = writeUnsynced(work);
    sync();
    return result;
  }

  /**
   * A write transaction that may still be only in the operating system's cache when this returns (SQLite): the
   * caller must {@link #sync} before it tells anyone. Other transactions see it at once.
   */
  public <T, X extends Exception> T writeUnsynced(HandleCallback<T, X> work) throws X {
    if (dialect == Dialect.SQLITE) {
      writeLock.lock();
      try {
        return jdbi.inTransaction(work);
      } finally {
        writeLock.unlock();
      }
    }
    return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, work);
  }

  /** True when commits need {@link #sync} to be durable (SQLite); PostgreSQL's commit is. */
  public boolean syncsApart() { return wal != null; }

  /**
   * Puts every transaction committed so far on disk: one fsync of SQLite's WAL, whichever thread committed them
   * (fsync acts on the file, not the descriptor). SQLite itself syncs the WAL before it copies it into the
   * database and removes or restarts it only after that copy is synced, so a missing WAL holds nothing unsynced.
   */
  public void sync() {
    if (wal == null) return;
    try (FileChannel log = FileChannel.open(wal, StandardOpenOption.WRITE)) {
      log.force(false);
    } catch (NoSuchFileException checkpointedAndRemoved) {
      // nothing left to sync
    } catch (IOException e) {
      throw new GroupCommitter.StorageUnavailable("the database's log could not be synced: " + e.getMessage());
    }
  }

  public <T, X extends Exception> T read(HandleCallback<T, X> work) throws X {
    return jdbi.withHandle(work);
  }

  /**
   * True when the database answers within a second and the schema is current. The bound keeps health checks quick
   * while the pool would wait its full connection timeout for a database that is away.
   */
  public boolean ready() {
    if (!migrated) return false;
    var probe = CompletableFuture.supplyAsync(
        () -> jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1,
        runnable -> Thread.ofVirtual().start(runnable));
    try {
      return probe.get(1, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** True when a failure means the database could not be reached (down, restarting, no free connection). */
  public static boolean unavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectionException || t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() { dataSource.close(); }

}
