package org.switchboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchboard.auth.Secrets;
import org.switchboard.store.Database;
import org.switchboard.store.ProjectStore;
import org.switchboard.store.TriggerStore;

/**
 * The key stored secrets are sealed with: SWITCHBOARD_SECRET_KEY, or a key generated into the data directory. A start
 * checks that it opens the secrets the database already holds (docs/decisions.md, "Secrets").
 */
final class SecretKey {
  private static final Logger LOG = LoggerFactory.getLogger(SecretKey.class);
  private static final String CHECK = "secret_key_check";

  private SecretKey() {}

  static Secrets open(Config config, Database db) {
    Path file = config.dataDir().resolve("secret.key");
    boolean generating = config.secretKey() == null && !Files.exists(file);
    Secrets secrets = new Secrets(key(config, file));
    try {
      requireSealingKey(db, secrets);
    } catch (Config.Invalid e) {
      if (!generating) throw e;
      // A key made up now cannot be the right one: leave the directory as it was and say what is missing.
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // the message below is what matters
      }
      if (!config.embedded()) {
        throw new Config.Invalid("no secret key is set, but this PostgreSQL database's secrets are sealed with the key"
            + " of the node that first used it; give every node that key as SWITCHBOARD_SECRET_KEY (a node without one"
            + " wrote it to secret.key in its data directory)");
      }
      throw new Config.Invalid("no secret key is set and " + file + " is missing, but this database's secrets"
          + " are sealed with one; put that secret.key back into the data directory, or set SWITCHBOARD_SECRET_KEY");
    }
    if (generating && !config.embedded()) {
      LOG.warn("SWITCHBOARD_SECRET_KEY is not set; generated {}. Every node sharing this database needs the same key.", file);
    }
    return secrets;
  }

  private static byte[] key(Config config, Path file) {
    if (config.secretKey() != null) {
      try {
        byte[] key = Base64.getDecoder().decode(config.secretKey().replace('-', '+').replace('_', '/'));
        if (key.length == 32) return key;
      } catch (IllegalArgumentException ignored) {
        // reported below
      }
      throw new Config.Invalid("SWITCHBOARD_SECRET_KEY must be 32 bytes in base64 (openssl rand -base64 32)");
    }
    try {
      if (Files.exists(file)) {
        byte[] key = Base64.getDecoder().decode(Files.readString(file).trim());
        if (key.length != 32) throw new Config.Invalid(file + " does not hold a 32-byte key");
        return key;
      }
      Files.createDirectories(config.dataDir());
      byte[] key = Secrets.randomKey();
      Files.writeString(file, Base64.getEncoder().encodeToString(key));
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system
      }
      return key;
    } catch (IOException e) {
      throw new Config.Invalid("cannot read or write " + file + ": " + e.getMessage());
    }
  }

  /**
   * The key must open the secrets this database already holds. A database remembers a value sealed with the key of
   * its first start, so a node with another key (a new SWITCHBOARD_SECRET_KEY, or one generated into a second
   * node's data directory) stops here instead of failing every authenticated call and signed delivery.
   */
  private static void requireSealingKey(Database db, Secrets secrets) {
    Optional<String> remembered = db.read(h -> ProjectStore.setting(h, CHECK));
    // A database from before the check: a trigger's secret tells, if there is one.
    remembered.or(() -> db.read(TriggerStore::anySealedSecret)).ifPresent(sealed -> requireOpens(secrets, sealed));
    if (remembered.isEmpty()) {
      // Nodes starting together store one value; the one stored first is the one every node must open.
      requireOpens(secrets, db.write(h -> ProjectStore.settingIfAbsent(h, CHECK, secrets.encrypt("switchboard"))));
    }
  }

  private static void requireOpens(Secrets secrets, String sealed) {
    try {
      secrets.decrypt(sealed);
    } catch (IllegalStateException e) {
      throw new Config.Invalid("the secret key is not the one this database's secrets are sealed with; start with"
          + " that key: the SWITCHBOARD_SECRET_KEY of the nodes already on this database, or the secret.key in the"
          + " data directory of its first start");
    }
  }
}
