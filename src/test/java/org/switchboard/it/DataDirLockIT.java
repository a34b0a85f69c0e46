package org.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchboard.support.ServerProcess;

/** Two processes on one embedded database: the second is refused with a message while the first runs. */
class DataDirLockIT {
  @Test
  void aSecondProcessOnTheSameDataDirectoryExitsWithAMessage(@TempDir Path dir) throws Exception {
    try (ServerProcess first = ServerProcess.start(ServerProcess.env(dir, null), dir.resolve("first.log"))) {
      String java = ProcessHandle.current().info().command().orElse("java");
      ProcessBuilder pb = new ProcessBuilder(List.of(java, "-jar", System.getProperty("switchboard.jar",
          "target/switchboard.jar"), "serve", "--http-port", "0", "--data-dir", dir.toString(), "--demo", "false"))
          .redirectErrorStream(true).redirectOutput(dir.resolve("second.log").toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
      Process second = pb.start();
      boolean exited = second.waitFor(60, TimeUnit.SECONDS);
      if (!exited) second.destroyForcibly().waitFor();
      String output = Files.readString(dir.resolve("second.log"));
      assertThat(exited).as("the second process exits by itself: " + output).isTrue();
      assertThat(second.exitValue()).as(output).isEqualTo(2);
      assertThat(output).contains("another Switchboard node is using it").doesNotContain("Exception");
      assertThat(first.admin.get("/readyz").status()).isEqualTo(200);
    }
  }
}
