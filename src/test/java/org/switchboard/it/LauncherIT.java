package org.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.switchboard.support.ServerProcess;

/**
 * The launcher's start-up archive ({@code ./switchboard archive-options}, which {@code serve} uses): a rehearsal in a
 * JVM of its own writes it, one per JDK and JVM options, and a jar built after it gets a new one. Options of the
 * test's own keep it off any archive a developer's {@code serve} uses. The test's JDK decides the kind: JDK 25+ an
 * ahead-of-time cache, older ones a dynamic class-data-sharing archive.
 */
class LauncherIT {
  private static final Path JAR = Path.of("target/switchboard.jar");
  private static final boolean AOT = Runtime.version().feature() >= 25;
  /** The option that maps the archive, and the one that makes a JVM fail when it cannot map it. */
  private static final String MAP = AOT ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=";
  private static final String STRICT = AOT ? "-XX:AOTMode=on" : "-Xshare:on";

  @Test
  void aRehearsalWritesTheArchiveThatServeMapsAndAJarBuiltAfterItGetsANewOne() throws Exception {
    String javaOptions = "-Xmx256m -Dlauncher.it=" + UUID.randomUUID();
    List<Path> archives = new ArrayList<>();
    try {
      Launched first = archiveOptions(javaOptions);
      assertThat(first.log()).contains("rehearsing");
      // The server only maps the archive; it never writes one (docs/decisions.md, "A start-up archive of the jar's
      // classes").
      assertThat(first.options()).contains(MAP)
          .doesNotContain("AutoCreateSharedArchive").doesNotContain("ArchiveClassesAtExit").doesNotContain("AOTCacheOutput");
      Path archive = archiveIn(first.options());
      archives.add(archive);
      assertThat(archive.getParent()).isEqualTo(Path.of("target").toAbsolutePath());
      assertThat(leftovers(archive)).isEmpty();
      assertThat(run(List.of(javaHome() + "/bin/java", "-Xmx256m", STRICT, MAP + archive, "-jar", JAR.toString(), "help")))
          .isZero();
      Path truncated = Files.createTempFile("launcher", ".archive");
      try {
        Files.write(truncated, Arrays.copyOf(Files.readAllBytes(archive), 100_000));
        assertThat(run(List.of(javaHome() + "/bin/java", "-Xmx256m", STRICT, MAP + truncated, "-jar", JAR.toString(),
            "help"))).as("the strict option fails when the archive cannot be mapped").isNotZero();
      } finally {
        Files.deleteIfExists(truncated);
      }

      FileTime made = Files.getLastModifiedTime(archive);
      Launched again = archiveOptions(javaOptions);
      assertThat(again.options()).isEqualTo(first.options());
      assertThat(again.log()).doesNotContain("rehearsing");
      assertThat(Files.getLastModifiedTime(archive)).isEqualTo(made);

      FileTime jarTime = Files.getLastModifiedTime(JAR);
      Files.setLastModifiedTime(archive, FileTime.fromMillis(jarTime.toMillis() - Duration.ofHours(1).toMillis()));
      Launched rebuilt = archiveOptions(javaOptions);
      assertThat(rebuilt.options()).isEqualTo(first.options());
      assertThat(rebuilt.log()).contains("rehearsing");
      assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(jarTime);

      Launched other = archiveOptions(javaOptions + " -Dother=1");
      assertThat(other.options()).contains(MAP).doesNotContain(archive.toString());
      archives.add(archiveIn(other.options()));
    } finally {
      for (Path archive : archives) Files.deleteIfExists(archive);
    }
  }

  @Test
  void aFailedRehearsalLeavesServeWithoutTheArchiveAndSaysWhy() throws Exception {
    Launched failed = archiveOptions("-Xmx256m -Dlauncher.it=" + UUID.randomUUID() + " -XX:+NoSuchOptionAnywhere");
    assertThat(failed.options()).isEmpty();
    assertThat(failed.log()).contains("the rehearsal failed").contains("NoSuchOptionAnywhere");
  }

  /**
   * A build writes target/switchboard.jar in place. A JVM whose jar changed under it could not load its next class
   * (NoClassDefFoundError) and spun on every request, so serve runs a copy that a build does not touch. The launcher
   * runs here in a checkout of its own (the script and a built jar), so that this test's rebuild touches no jar
   * that another test or this JVM reads.
   */
  @Test
  void aServerKeepsServingWhenTheJarIsRebuiltUnderIt() throws Exception {
    Path checkout = checkout();
    Path jar = checkout.resolve("target/switchboard.jar");
    try (ServerProcess server = serve(checkout)) {
      assertThat(server.commandLine()).contains("-jar target/serve/switchboard.jar").contains(MAP);
      // A rebuild: other bytes written into the same file, as the build's packaging does (here none a class is in).
      byte[] other = new byte[(int) Files.size(jar)];
      new java.util.Random(7).nextBytes(other);
      try (var out = Files.newOutputStream(jar, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        out.write(other);
      }
      // Calls that load classes neither the start nor the rehearsal did: the dashboard, dialects, a wrong call, and
      // then a trigger's event.
      assertThat(server.admin.get("/docs").status()).isEqualTo(200);
      assertThat(server.admin.as(null).get("/ui").status()).isBetween(200, 399);
      assertThat(server.admin.as(null).get("/api/v1/integration/trigger/list").status()).isEqualTo(401);
      assertThat(server.admin.post("/api/v1/conversations", Map.of("channel", "API")).status()).isEqualTo(403);
      assertThat(server.admin.post("/v1/projects", "[1,").status()).isEqualTo(400);
      String project = server.admin.post("/v1/projects", Map.of("name", "rebuilt")).json().get("id").asText();
      String bot = server.admin.post("/v1/projects/" + project + "/bots", Map.of("name", "b", "publish", true,
          "definition", "on: { default: n }\nnodes: { n: [ { say: \"hi\" } ] }")).json().get("id").asText();
      var trigger = server.admin.post("/v1/projects/" + project + "/triggers",
          Map.of("name", "t", "botId", bot, "waitForResponse", true)).json();
      var fired = server.admin.as(trigger.get("secret").asText())
          .post("/v1/triggers/" + trigger.get("id").asText() + "/events", Map.of("x", 1));
      assertThat(fired.status()).as(server.output()).isEqualTo(200);
      assertThat(fired.json().get("messages").get(0).get("payload").get("text").asText()).isEqualTo("hi");
      assertThat(server.output()).doesNotContain("NoClassDefFoundError");
    } finally {
      delete(checkout);
    }
  }

  /** A copy that cannot be made (here a file stands where its directory goes) leaves the build's jar to run. */
  @Test
  void aServerRunsTheBuiltJarWhenItsCopyCannotBeMade() throws Exception {
    Path checkout = checkout();
    Files.writeString(checkout.resolve("target/serve"), "in the way");
    try (ServerProcess server = serve(checkout)) {
      assertThat(server.commandLine()).contains("-jar target/switchboard.jar").contains(MAP);
      assertThat(server.output()).contains("could not copy target/switchboard.jar");
      assertThat(server.admin.get("/docs").status()).isEqualTo(200);
    } finally {
      delete(checkout);
    }
  }

  /** A checkout of the launcher's own, the script and a built jar, so that nothing done there touches this one's. */
  private static Path checkout() throws IOException {
    Path checkout = Files.createTempDirectory("launcher-checkout");
    Path jar = checkout.resolve("target/switchboard.jar");
    Files.createDirectories(jar.getParent());
    Files.copy(Path.of("switchboard"), checkout.resolve("switchboard"));
    Files.copy(JAR, jar, StandardCopyOption.COPY_ATTRIBUTES);
    return checkout;
  }

  private static ServerProcess serve(Path checkout) throws Exception {
    int port = ServerProcess.freePort();
    Map<String, String> env = new HashMap<>(ServerProcess.env(checkout.resolve("data"), null));
    env.put("SWITCHBOARD_JAVA_OPTS", "-Xmx256m");
    env.put("JAVA_HOME", javaHome());
    return ServerProcess.launch(List.of("bash", checkout.resolve("switchboard").toString(),
        "serve", "--http-port", String.valueOf(port)), port, env, checkout.resolve("serve.log"), Duration.ofSeconds(120));
  }

  private static void delete(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  private record Launched(String options, String log) {}

  private static Path archiveIn(String options) {
    return Path.of(options.replaceAll(".*" + MAP + "(\\S+).*", "$1"));
  }

  private static Launched archiveOptions(String javaOptions) throws IOException, InterruptedException {
    Path log = Files.createTempFile("launcher", ".log");
    try {
      ProcessBuilder pb = new ProcessBuilder("bash", "switchboard", "archive-options")
          .redirectError(ProcessBuilder.Redirect.to(log.toFile()));
      pb.environment().put("SWITCHBOARD_JAVA_OPTS", javaOptions);
      pb.environment().put("JAVA_HOME", javaHome()); // the JDK that checks the archive below
      Process process = pb.start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
      String err = Files.readString(log);
      assertThat(process.exitValue()).as(err).isZero();
      return new Launched(out, err);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static List<Path> leftovers(Path archive) throws IOException {
    try (Stream<Path> files = Files.list(archive.getParent())) {
      return files.filter(f -> f.getFileName().toString().startsWith(archive.getFileName() + ".")).toList();
    }
  }

  private static int run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return process.exitValue();
  }

  private static String javaHome() {
    return ProcessHandle.current().info().command().map(c -> Path.of(c).getParent().getParent().toString())
        .orElseThrow();
  }
}
