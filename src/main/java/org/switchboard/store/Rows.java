package org.switchboard.store;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Small helpers for reading portable column types. */
final class Rows {
  private Rows() {}

  static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

  static Integer nullableInt(ResultSet rs, String column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? null : value;
  }

  static boolean flag(ResultSet rs, String column) throws SQLException {
    return rs.getInt(column) != 0;
  }

  static int flag(boolean value) { return value ? 1 : 0; }
}
