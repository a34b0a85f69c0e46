package org.switchboard.bench;

import java.util.List;
import java.util.Map;
import org.switchboard.support.ServerProcess;

/** A {@link CeilingServer} kept running through a bench run, so that its windows can be taken in turns with a stage's. */
final class Ceiling implements AutoCloseable {
  private final Process process;
  private final String url;

  private Ceiling(Process process, int port) {
    this.process = process;
    this.url = "http://127.0.0.1:" + port + "/";
  }

  static Ceiling start(List<String> jvmOptions) throws Exception {
    int port = ServerProcess.freePort();
    return new Ceiling(CeilingServer.start(jvmOptions, port), port);
  }

  /** The stages' load on the ceiling: wrk posting the bench body on 64 connections for {@code seconds}. */
  Wrk.Result post(int seconds) throws Exception {
    return Wrk.post(url, BenchRun.BODY, Map.of("Content-Type", "application/json"), 64, seconds);
  }

  long pid() { return process.pid(); }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }
}
