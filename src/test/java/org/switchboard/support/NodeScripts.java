package org.switchboard.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the Node.js scripts under src/test/js: copies one into target/, installs its locked packages, runs it. */
public final class NodeScripts {
  public record Result(int exit, String output) {
    /** The last line the script printed, where the scripts put their JSON report. */
    public String lastLine() { return output.lines().reduce((a, b) -> b).orElse(""); }
  }

  private NodeScripts() {}

  public static boolean nodeInstalled() throws InterruptedException { return run(List.of("node", "--version"), Path.of("."), 30).exit() == 0; }

  /** Copies {@code src/test/js/<name>} to {@code target/<name>} and runs {@code npm ci} there unless installed. */
  public static Path prepare(String name, String module, List<String> files) throws IOException, InterruptedException {
    Path source = Path.of("src/test/js", name);
    Path work = Path.of("target", name);
    Files.createDirectories(work);
    for (String file : files) Files.copy(source.resolve(file), work.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    if (!Files.isDirectory(work.resolve("node_modules").resolve(module))) {
      Result npm = run(List.of("npm", "ci", "--no-audit", "--no-fund"), work, 300);
      if (npm.exit() != 0) throw new AssertionError("npm ci in " + work + " failed:\n" + npm.output());
    }
    return work;
  }

  /** Runs a command, collecting its output; a command that is not installed exits 127, one that hangs 124. */
  public static Result run(List<String> command, Path dir, int timeoutSeconds) throws InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException notInstalled) {
      return new Result(127, notInstalled.getMessage());
    }
    byte[][] output = new byte[1][];
    Thread reader = Thread.ofVirtual().start(() -> {
      try {
        output[0] = p.getInputStream().readAllBytes();
      } catch (IOException e) {
        output[0] = new byte[0];
      }
    });
    boolean finished = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!finished) p.destroyForcibly();
    reader.join(5_000);
    String text = output[0] == null ? "" : new String(output[0], StandardCharsets.UTF_8);
    return finished ? new Result(p.exitValue(), text) : new Result(124, "timed out: " + command + "\n" + text);
  }
}
