package org.switchboard.bench;

import java.net.InetSocketAddress;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/**
 * The ceiling every bench figure is divided by: a bare JVM HTTP server on the same Jetty that Switchboard runs on,
 * which reads the request body and answers 202, nothing else. Usage: {@code CeilingServer <port>}.
 */
public final class CeilingServer {
  /** Starts one in a process of its own, with this process's Java and class path, and returns once it listens. */
  static Process start(java.util.List<String> jvmOptions, int port) throws java.io.IOException {
    return launch(jvmOptions, CeilingServer.class, java.util.List.of(String.valueOf(port)), "ceiling");
  }

  /**
   * Starts {@code main} with {@code args} in a process of its own, with this process's Java and class path and
   * {@code jvmOptions}, and returns once it printed "ready"; kills it if it ends first.
   */
  static Process launch(java.util.List<String> jvmOptions, Class<?> main, java.util.List<String> args, String what)
      throws java.io.IOException {
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(ProcessHandle.current().info().command().orElse("java")));
    command.addAll(jvmOptions);
    command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream()));
    StringBuilder said = new StringBuilder();
    for (String line = lines.readLine(); !"ready".equals(line); line = lines.readLine()) {
      if (line == null) {
        process.destroyForcibly();
        throw new IllegalStateException("the " + what + " server did not start:\n" + said);
      }
      said.append(line).append('\n');
    }
    // Whatever it prints later must not fill the pipe and stop it.
    Thread.ofPlatform().daemon(true).start(() -> {
      try {
        lines.transferTo(java.io.Writer.nullWriter());
      } catch (java.io.IOException e) {
        // the process ended
      }
    });
    return process;
  }

  public static void main(String[] args) throws Exception {
    Server server = new Server(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])));
    server.setHandler(new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        Content.Source.consumeAll(request, Callback.from(() -> {
          response.setStatus(HttpStatus.ACCEPTED_202);
          response.write(true, null, callback);
        }, callback::failed));
        return true;
      }
    });
    server.start();
    System.out.println("ready");
    server.join();
  }
}
