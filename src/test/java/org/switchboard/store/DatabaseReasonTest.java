package org.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** A database that cannot be opened is reported in one line that names the failure, even one without a message. */
class DatabaseReasonTest {
  @Test
  void aFailureWithoutAMessageIsNamedByItsClass() {
    assertThat(Database.reason(new NullPointerException())).isEqualTo("java.lang.NullPointerException");
    assertThat(Database.reason(new SQLException((String) null))).isEqualTo("java.sql.SQLException");
  }

  @Test
  void aFailureWithAMessageIsItsMessage() {
    assertThat(Database.reason(new SQLException("[SQLITE_NOTADB] file is not a database")))
        .isEqualTo("[SQLITE_NOTADB] file is not a database");
  }
}
