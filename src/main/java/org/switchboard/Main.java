package org.switchboard;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** {@code switchboard serve [--http-port N] [--data-dir DIR] [--db-url URL] ...}: every flag mirrors a SWITCHBOARD_ variable. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    List<String> rest = args.length == 0 ? List.of() : Arrays.asList(args).subList(1, args.length);
    String command = args.length == 0 ? "serve" : args[0];
    if (command.equals("help") || command.equals("--help")) {
      System.out.println("usage: switchboard serve [--http-port 8080] [--data-dir ./data] [--db-url jdbc:postgresql://...]");
      System.out.println("       every --flag mirrors a SWITCHBOARD_* variable, e.g. --max-body-bytes for SWITCHBOARD_MAX_BODY_BYTES");
      System.out.println("       switchboard rehearse   (start on a scratch directory, fire the demo trigger once, stop)");
      return;
    }
    if (command.equals("rehearse")) {
      rehearse();
      return;
    }
    if (!command.equals("serve")) fail("unknown command '" + command + "'; try 'serve'");
    Config config;
    try {
      config = Config.load(System.getenv(), rest);
    } catch (Config.Invalid e) {
      fail(e.getMessage());
      return;
    }
    // Before the first logger exists: pick the log format.
    if (config.logFormat().equals("json")) System.setProperty("logback.configurationFile", "logback-json.xml");
    App app;
    try {
      app = App.start(config, System.out);
    } catch (Config.Invalid e) {
      fail(e.getMessage());
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      app.close();
      stopped.countDown();
    }, "shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void rehearse() {
    try {
      Rehearsal.run();
    } catch (Exception e) {
      fail("the rehearsal failed: " + e);
    }
    System.exit(0); // no lingering non-daemon thread may hold up the exit, which writes the archive
  }

  private static void fail(String message) {
    System.err.println("switchboard: " + message);
    System.exit(2);
  }
}
