package org.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchboard.auth.Secrets;
import org.switchboard.model.Json;
import org.switchboard.support.Pg;

class AppStartTest {
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  @Test
  void aPortInUseIsAClearStartUpErrorThatLeavesNothingRunning(@TempDir Path first, @TempDir Path second)
      throws Exception {
    try (App holder = App.start(config(first, 0), QUIET); HttpClient client = HttpClient.newHttpClient()) {
      int port = holder.port();
      long writersBefore = groupCommitThreads();
      assertThatThrownBy(() -> App.start(config(second, port), QUIET))
          .isInstanceOf(Config.Invalid.class)
          .hasMessage("port " + port + " is already in use; stop the process that holds it or choose another port"
              + " with --http-port (SWITCHBOARD_HTTP_PORT)");
      HttpResponse<Void> ready = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
          .build(), HttpResponse.BodyHandlers.discarding());
      assertThat(ready.statusCode()).isEqualTo(200);
      // The failed start stopped what it had started: its group-commit thread is gone again.
      assertThat(groupCommitThreads()).isEqualTo(writersBefore);
    }
  }

  @Test
  void aDataDirectoryInUseByAnotherNodeIsRefusedUntilThatNodeStops(@TempDir Path dir) {
    try (App first = App.start(config(dir, 0), QUIET)) {
      assertThatThrownBy(() -> App.start(config(dir, 0), QUIET))
          .isInstanceOf(Config.Invalid.class)
          .hasMessage("the data directory " + dir + " cannot be used: another Switchboard node is using it (stop that"
              + " node first); choose another with --data-dir (SWITCHBOARD_DATA_DIR)");
      assertThat(first.port()).isPositive();
    }
    try (App next = App.start(config(dir, 0), QUIET)) {
      assertThat(next.port()).isPositive();
    }
  }

  @Test
  void aNewDataDirectoryIsPrivateToItsUser(@TempDir Path parent) throws Exception {
    Path dir = parent.resolve("new").resolve("data");
    try (App app = App.start(config(dir, 0), QUIET)) {
      assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
          .isEqualTo("rwx------");
    }
  }

  @Test
  void aDataDirectoryThatCannotHoldTheDatabaseIsAClearStartUpError(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-directory"), "");
    assertThatThrownBy(() -> App.start(config(file, 0), QUIET))
        .isInstanceOf(Config.Invalid.class)
        .hasMessage("the data directory " + file + " cannot be used: it is a file, not a directory; choose another"
            + " with --data-dir (SWITCHBOARD_DATA_DIR)");
    assertThatThrownBy(() -> App.start(config(file.resolve("below"), 0), QUIET))
        .isInstanceOf(Config.Invalid.class)
        .hasMessageStartingWith("the data directory " + file.resolve("below") + " cannot be used: it cannot be created");
  }

  @Test
  void aDatabaseFileSqliteCannotOpenIsAClearStartUpError(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("switchboard.db"), new byte[8192]);
    Files.writeString(dir.resolve("switchboard.db"), "not a database", java.nio.file.StandardOpenOption.WRITE);
    assertThatThrownBy(() -> App.start(config(dir, 0), QUIET))
        .isInstanceOf(Config.Invalid.class)
        .hasMessageStartingWith("the embedded database " + dir.resolve("switchboard.db") + " cannot be opened: ")
        .hasMessageContaining("SQLITE_NOTADB")
        .hasMessageEndingWith("or choose another data directory with --data-dir (SWITCHBOARD_DATA_DIR)");
  }

  @Test
  void aSecretKeyThatCannotOpenTheStoredSecretsIsAClearStartUpError(@TempDir Path dir) {
    String first = key();
    try (App app = App.start(config(dir, 0, first), QUIET)) {
      assertThat(app.port()).isPositive();
    }
    assertOnlyThatKeyStarts(dir, first);
  }

  @Test
  void aSecondPostgresNodeThatGeneratedItsOwnKeyIsRefusedWhileTheFirstServes(@TempDir Path first,
      @TempDir Path second) {
    Pg.Target pg = Pg.freshDatabase();
    // Neither node has SWITCHBOARD_SECRET_KEY: each would generate its own into its data directory.
    try (App node = App.start(postgres(first, pg), QUIET)) {
      assertThatThrownBy(() -> App.start(postgres(second, pg), QUIET))
          .isInstanceOf(Config.Invalid.class)
          .hasMessageStartingWith("no secret key is set, but this PostgreSQL database's secrets are sealed with the key"
              + " of the node that first used it; give every node that key as SWITCHBOARD_SECRET_KEY");
      assertThat(second.resolve("secret.key")).doesNotExist();
      assertThat(node.port()).isPositive();
    }
  }

  @Test
  void aDatabaseFromBeforeTheCheckIsCheckedAgainstATriggersSecret(@TempDir Path dir) {
    String first = key();
    try (App app = App.start(config(dir, 0, first), QUIET)) {
      var project = app.core().projects().create(Json.object().put("name", "p"));
      var bot = app.core().bots().create(project.id(), Json.object().put("name", "b").put("key", "b")
          .put("definition", Demo.FLOW).put("publish", true));
      app.core().triggers().create(project.id(), Json.object().put("name", "t").put("botId", bot.id()));
      app.core().db().write(h -> h.execute("DELETE FROM settings WHERE name = 'secret_key_check'"));
    }
    assertOnlyThatKeyStarts(dir, first);
  }

  @Test
  void aRestoredDatabaseWithoutItsKeyFileSaysSoAndLeavesNoMadeUpKeyBehind(@TempDir Path dir) throws Exception {
    try (App app = App.start(config(dir, 0), QUIET)) {
      assertThat(dir.resolve("secret.key")).exists(); // generated on the first start
    }
    Files.delete(dir.resolve("secret.key"));
    assertThatThrownBy(() -> App.start(config(dir, 0), QUIET))
        .isInstanceOf(Config.Invalid.class)
        .hasMessage(missingKeyFile(dir));
    assertThat(dir.resolve("secret.key")).doesNotExist();
  }

  /** Another key is refused with the message; the key the database was sealed with still starts it. */
  private static void assertOnlyThatKeyStarts(Path dir, String key) {
    assertThatThrownBy(() -> App.start(config(dir, 0, key()), QUIET))
        .isInstanceOf(Config.Invalid.class)
        .hasMessageStartingWith("the secret key is not the one this database's secrets are sealed with");
    try (App again = App.start(config(dir, 0, key), QUIET)) {
      assertThat(again.port()).isPositive();
    }
  }

  private static String missingKeyFile(Path dir) {
    return "no secret key is set and " + dir.resolve("secret.key") + " is missing, but this database's secrets are"
        + " sealed with one; put that secret.key back into the data directory, or set SWITCHBOARD_SECRET_KEY";
  }

  private static long groupCommitThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("group-commit")).count();
  }

  private static String key() {
    return Base64.getEncoder().encodeToString(Secrets.randomKey());
  }

  private static Config config(Path dir, int port) {
    return config(dir, port, null);
  }

  private static Config postgres(Path dir, Pg.Target pg) {
    List<String> flags = new java.util.ArrayList<>(List.of("--http-port", "0", "--data-dir", dir.toString(),
        "--demo", "false", "--db-url", pg.url()));
    if (pg.user() != null) flags.addAll(List.of("--db-user", pg.user()));
    if (pg.password() != null) flags.addAll(List.of("--db-password", pg.password()));
    return Config.load(Map.of(), flags);
  }

  private static Config config(Path dir, int port, String secretKey) {
    List<String> flags = new java.util.ArrayList<>(List.of("--http-port", String.valueOf(port), "--data-dir",
        dir.toString(), "--demo", "false"));
    if (secretKey != null) flags.addAll(List.of("--secret-key", secretKey));
    return Config.load(Map.of(), flags);
  }
}
