package org.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The launcher's start-up archive ({@code ./switchboard archive-options}, which {@code serve} uses): one file per
 * JDK and JVM options, and an archive older than the jar is removed, since the JVM would neither use nor replace it.
 * Options of the test's own keep it off any archive a developer's {@code serve} uses.
 */
class LauncherIT {
  private static final Path JAR = Path.of("target/switchboard.jar");

  @Test
  void anArchiveOlderThanTheJarIsRemovedAndOneNewerIsKept() throws Exception {
    String javaOptions = "-Xmx256m -Dlauncher.it=" + UUID.randomUUID();
    String options = archiveOptions(javaOptions);
    assertThat(options).contains("-XX:+AutoCreateSharedArchive");
    Path archive = Path.of(options.replaceAll(".*-XX:SharedArchiveFile=(\\S+).*", "$1"));
    assertThat(archive.getParent()).isEqualTo(Path.of("target").toAbsolutePath());
    assertThat(archiveOptions(javaOptions + " -Dother=1")).doesNotContain(archive.toString());
    FileTime jarTime = Files.getLastModifiedTime(JAR);
    try {
      Files.writeString(archive, "made before the jar");
      Files.setLastModifiedTime(archive, FileTime.fromMillis(jarTime.toMillis() - Duration.ofHours(1).toMillis()));
      assertThat(archiveOptions(javaOptions)).isEqualTo(options);
      assertThat(archive).doesNotExist();

      Files.writeString(archive, "made after the jar");
      Files.setLastModifiedTime(archive, FileTime.fromMillis(jarTime.toMillis() + Duration.ofHours(1).toMillis()));
      archiveOptions(javaOptions);
      assertThat(archive).exists();
    } finally {
      Files.deleteIfExists(archive);
    }
  }

  private static String archiveOptions(String javaOptions) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("bash", "switchboard", "archive-options").redirectErrorStream(true);
    pb.environment().put("SWITCHBOARD_JAVA_OPTS", javaOptions);
    Process process = pb.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    return out;
  }
}
