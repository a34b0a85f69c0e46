package org.switchboard.store;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;
import org.jdbi.v3.core.statement.DefaultStatementBuilder;
import org.jdbi.v3.core.statement.StatementBuilder;
import org.jdbi.v3.core.statement.StatementBuilderFactory;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Keeps SQLite's prepared statements per connection and hands them out again: sqlite-jdbc compiles every statement
 * anew, which the profile showed as the largest single cost of intake (docs/benchmarks.md). A statement is lent to
 * one user at a time; a second use of the same SQL while the first is open gets a fresh, uncached statement.
 */
final class CachedStatements implements StatementBuilderFactory {
  private static final int PER_CONNECTION = 256;

  /** Idle statements by SQL, per physical connection; a connection is used by one thread at a time. */
  private final Map<Connection, Map<String, PreparedStatement>> idle = Collections.synchronizedMap(new WeakHashMap<>());

  @Override
  public StatementBuilder createStatementBuilder(Connection pooled) {
    Connection physical;
    try {
      physical = pooled.unwrap(Connection.class);
    } catch (SQLException e) {
      return new DefaultStatementBuilder();
    }
    return new Builder(physical, idle.computeIfAbsent(physical, c -> lru()));
  }

  private static Map<String, PreparedStatement> lru() {
    return new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
        if (size() <= PER_CONNECTION) return false;
        closeQuietly(eldest.getValue());
        return true;
      }
    };
  }

  private static void closeQuietly(Statement statement) {
    try {
      statement.close();
    } catch (SQLException ignored) {
      // the connection is gone or the statement already finalised
    }
  }

  static final class Builder implements StatementBuilder {
    private final Connection physical;
    private final Map<String, PreparedStatement> idle;
    private final DefaultStatementBuilder plain = new DefaultStatementBuilder();
    /** Statements this handle has out, with the parsed SQL they were prepared from (close only sees the raw SQL). */
    private final Map<Statement, String> lent = new IdentityHashMap<>();

    Builder(Connection physical, Map<String, PreparedStatement> idle) {
      this.physical = physical;
      this.idle = idle;
    }

    @Override
    public Statement create(Connection conn, StatementContext ctx) throws SQLException {
      return plain.create(conn, ctx);
    }

    @Override
    public PreparedStatement create(Connection conn, String sql, StatementContext ctx) throws SQLException {
      if (ctx.isReturningGeneratedKeys() || ctx.isConcurrentUpdatable()) return plain.create(conn, sql, ctx);
      PreparedStatement statement = lend(sql);
      lent.put(statement, sql);
      return statement;
    }

    /** A cached statement (JDBI's, or for direct use by {@link Sql}); hand it back with {@link #giveBack}. */
    PreparedStatement lend(String sql) throws SQLException {
      PreparedStatement statement = idle.remove(sql);
      return statement == null || statement.isClosed() ? physical.prepareStatement(sql) : statement;
    }

    void giveBack(String sql, PreparedStatement statement) throws SQLException {
      if (idle.containsKey(sql) || statement.isClosed()) {
        statement.close();
        return;
      }
      statement.clearParameters();
      idle.put(sql, statement);
    }

    @Override
    public CallableStatement createCall(Connection conn, String sql, StatementContext ctx) throws SQLException {
      return plain.createCall(conn, sql, ctx);
    }

    @Override
    public void close(Connection conn, String sql, Statement statement) throws SQLException {
      String parsed = lent.remove(statement);
      if (parsed == null) statement.close();
      else giveBack(parsed, (PreparedStatement) statement);
    }
  }
}
