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
    if (List.of("help", "--help", "-h").contains(command) || rest.contains("--help") || rest.contains("-h")) {
      System.out.print(usage());
      return;
    }
    if (command.equals("rehearse")) {
      rehearse();
      return;
    }
    if (!command.equals("serve")) fail("unknown command '" + command + "'; try 'serve' or 'help'");
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

  /** Every flag, from the list Config accepts, so the help cannot drift from what is accepted. */
  static String usage() {
    StringBuilder out = new StringBuilder("""
        usage: switchboard serve [--flag value ...]   run a node (README.md, "Configuration", says what each does)
               switchboard rehearse                   start on a scratch directory, fire the demo trigger once, stop
        flags of serve (each also read from the SWITCHBOARD_* variable named beside it; a flag wins):
        """);
    for (String variable : Config.KNOWN) {
      String flag = "--" + variable.substring("SWITCHBOARD_".length()).toLowerCase().replace('_', '-');
      out.append("  ").append(flag).append(" ".repeat(Math.max(1, 28 - flag.length()))).append(variable).append('\n');
    }
    return out.toString();
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
