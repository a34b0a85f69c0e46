package org.switchboard.support;

import java.util.Map;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * As {@link BothDatabases}, against a node whose background threads (worker, scheduler, timers, housekeeping) are
 * off, so that a test drives them itself with explicit times.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(DbKind.class)
public abstract class BothDatabasesIdle {
  protected static TestApp app;

  @Parameter
  protected DbKind kind;

  @BeforeParameterizedClassInvocation
  static void startNode(DbKind kind) {
    app = TestApp.start(kind, Map.of(), false);
  }

  @AfterParameterizedClassInvocation
  static void stopNode() {
    app.close();
    app = null;
  }
}
