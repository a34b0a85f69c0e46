package org.switchboard.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.List;
import org.switchboard.model.Bot;
import org.switchboard.model.BotVersion;
import org.switchboard.model.Ids;
import org.switchboard.model.Problem;
import org.switchboard.runtime.FlowDocument;
import org.switchboard.store.BotStore;
import org.switchboard.store.Database;

/** Bots: a validated draft and immutable published versions. */
public final class Bots {
  public static final String KEY_PATTERN = "[A-Za-z0-9_-]{1,64}";

  private final Database db;
  private final Clock clock;

  public Bots(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  public Bot create(String projectId, JsonNode body) {
    Fields f = new Fields(body);
    String name = f.text("name", true, 200);
    String key = f.text("key", false, 64);
    Boolean publish = f.bool("publish");
    if (key != null && !key.matches(KEY_PATTERN)) f.error("key", "must match " + KEY_PATTERN);
    if (!f.has("definition")) f.error("definition", "is required");
    f.check();
    JsonNode definition = FlowDocument.parse(f.raw("definition"));
    String botKey = key != null ? key : Slugs.of(name, "bot");
    long now = clock.millis();
    Bot bot = new Bot(Ids.bot(), projectId, name, botKey, definition, null, now, now);
    return db.writeCatalog(h -> {
      if (BotStore.keyTaken(h, projectId, botKey)) throw Problem.conflict("a bot with key '" + botKey + "' exists in this project");
      BotStore.insert(h, bot);
      if (Boolean.TRUE.equals(publish)) {
        BotVersion v = BotStore.publish(h, bot.id(), db.dialect().forUpdate(), now);
        return new Bot(bot.id(), projectId, name, botKey, definition, v.version(), now, now);
      }
      return bot;
    });
  }

  public Bot get(String botId) {
    return db.read(h -> BotStore.find(h, botId)).orElseThrow(() -> Problem.notFound("bot " + botId));
  }

  public Bot updateDraft(String botId, JsonNode body) {
    Fields f = new Fields(body);
    if (!f.has("definition")) f.error("definition", "is required");
    f.check();
    JsonNode definition = FlowDocument.parse(f.raw("definition"));
    get(botId);
    db.writeCatalog(h -> {
      BotStore.updateDraft(h, botId, FlowDocument.store(definition), clock.millis());
      return null;
    });
    return get(botId);
  }

  public BotVersion publish(String botId) {
    get(botId);
    return db.writeCatalog(h -> BotStore.publish(h, botId, db.dialect().forUpdate(), clock.millis()));
  }

  public List<BotVersion> versions(String botId) {
    get(botId);
    return db.read(h -> BotStore.versions(h, botId));
  }
}
