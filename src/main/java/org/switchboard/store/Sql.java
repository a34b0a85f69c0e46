package org.switchboard.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * The writer's hottest statements, run on the handle's connection with positional parameters. JDBI's per-call
 * work (named binding, argument lookup, config) was 28% of the group-commit thread's CPU in the ingest profile
 * (docs/benchmarks.md); these few statements skip it. Everything else stays on JDBI.
 */
final class Sql {
  private Sql() {}

  @FunctionalInterface
  private interface Run<T> {
    T on(PreparedStatement statement) throws SQLException;
  }

  /** An INSERT, UPDATE or DELETE; returns the rows changed. */
  static int update(Handle h, String sql, Object... args) {
    return run(h, sql, args, PreparedStatement::executeUpdate);
  }

  /** A statement that returns one long (UPDATE ... RETURNING); fails when it returns no row. */
  static long returningLong(Handle h, String sql, Object... args) {
    return run(h, sql, args, statement -> {
      try (ResultSet rs = statement.executeQuery()) {
        if (!rs.next()) throw new SQLException("no row for: " + sql);
        return rs.getLong(1);
      }
    });
  }

  /**
   * One statement for many rows, sent as a JDBC batch (one multi-row insert on PostgreSQL); returns the rows changed
   * as far as the driver reports them.
   */
  static int batch(Handle h, String sql, List<Object[]> rows) {
    if (rows.isEmpty()) return 0;
    return run(h, sql, new Object[0], statement -> {
      for (Object[] row : rows) {
        for (int i = 0; i < row.length; i++) bind(statement, i + 1, row[i]);
        statement.addBatch();
      }
      int changed = 0;
      for (int count : statement.executeBatch()) changed += Math.max(0, count);
      return changed;
    });
  }

  @FunctionalInterface
  interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** A query for at most one row; empty when there is no row. */
  static <T> Optional<T> queryRow(Handle h, String sql, Row<T> row, Object... args) {
    return run(h, sql, args, statement -> {
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() ? Optional.ofNullable(row.read(rs)) : Optional.empty();
      }
    });
  }

  private static <T> T run(Handle h, String sql, Object[] args, Run<T> work) {
    CachedStatements.Builder cache = h.getStatementBuilder() instanceof CachedStatements.Builder b ? b : null;
    try {
      PreparedStatement statement = cache != null ? cache.lend(sql) : h.getConnection().prepareStatement(sql);
      try {
        for (int i = 0; i < args.length; i++) bind(statement, i + 1, args[i]);
        return work.on(statement);
      } finally {
        if (cache != null) cache.giveBack(sql, statement);
        else statement.close();
      }
    } catch (SQLException e) {
      throw new UnableToExecuteStatementException(e, null);
    }
  }

  private static void bind(PreparedStatement statement, int index, Object value) throws SQLException {
    switch (value) {
      case null -> statement.setNull(index, Types.NULL);
      case String text -> statement.setString(index, text);
      case Long number -> statement.setLong(index, number);
      case Integer number -> statement.setInt(index, number);
      case byte[] bytes -> statement.setBytes(index, bytes);
      default -> throw new IllegalArgumentException("unsupported parameter type " + value.getClass());
    }
  }
}
