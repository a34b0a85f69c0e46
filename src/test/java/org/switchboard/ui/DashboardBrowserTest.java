package org.switchboard.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.support.DbKind;
import org.switchboard.support.NodeScripts;
import org.switchboard.support.TestApp;

/**
 * The dashboard end to end in Debian's Chromium, driven by playwright-core from npm: sign in, create a bot and a
 * trigger, fire it, and see the replies appear in the conversation timeline (the second one live), at a laptop's and
 * a phone's width. Skipped, saying why, only where no Chromium is installed. With SWITCHBOARD_SCREENSHOTS=dir the
 * pages are saved there (docs/screenshots/ holds the last such run).
 */
class DashboardBrowserTest {
  private static TestApp app;

  @BeforeAll
  static void start() { app = TestApp.start(DbKind.SQLITE); }

  @AfterAll
  static void stop() { app.close(); }

  private static String chromium() {
    List<String> candidates = new ArrayList<>();
    if (System.getenv("SWITCHBOARD_CHROMIUM") != null) candidates.add(System.getenv("SWITCHBOARD_CHROMIUM"));
    candidates.addAll(List.of("/usr/bin/chromium", "/usr/bin/chromium-browser"));
    return candidates.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
  }

  @Test
  void signInCreateFireAndWatchTheReplyArrive() throws Exception {
    String chromium = chromium();
    assumeTrue(chromium != null, "No Chromium found (install Debian's chromium, or set SWITCHBOARD_CHROMIUM): browser tests skipped");
    assumeTrue(NodeScripts.nodeInstalled(), "Node.js is not installed: browser tests skipped");
    Path work = NodeScripts.prepare("ui-e2e", "playwright-core", List.of("package.json", "package-lock.json", "e2e.mjs"));
    List<String> command = new ArrayList<>(List.of("node", "e2e.mjs", app.admin.base(), TestApp.ADMIN, chromium));
    String shots = System.getenv("SWITCHBOARD_SCREENSHOTS");
    if (shots != null && !shots.isBlank()) {
      Files.createDirectories(Path.of(shots));
      command.add(Path.of(shots).toAbsolutePath().toString());
    }
    NodeScripts.Result result = NodeScripts.run(command, work, 240);
    assertThat(result.exit()).as(result.output()).isZero();
    JsonNode out = TestApp.json(result.lastLine());
    assertThat(out.get("ok").asBoolean()).isTrue();
    assertThat(out.get("live").asBoolean()).as("the second reply arrived without a reload").isTrue();
    assertThat(out.get("consoleErrors")).as("no script or CSP errors in the browser").isEmpty();
    out.get("phoneOverflow").fields().forEachRemaining(e ->
        assertThat(e.getValue().asInt()).as("horizontal overflow at phone width on " + e.getKey()).isLessThanOrEqualTo(1));
  }
}
