package org.switchboard.support;

import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Runs every test of a subclass once on SQLite and once on PostgreSQL, each against its own running node. */
@ParameterizedClass(name = "{0}")
@EnumSource(DbKind.class)
public abstract class BothDatabases {
  protected static TestApp app;

  @Parameter
  protected DbKind kind;

  @BeforeParameterizedClassInvocation
  static void startNode(DbKind kind) {
    app = TestApp.start(kind);
  }

  @AfterParameterizedClassInvocation
  static void stopNode() {
    app.close();
    app = null;
  }
}
