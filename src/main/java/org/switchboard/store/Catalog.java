package org.switchboard.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.switchboard.model.Bot;
import org.switchboard.model.BotVersion;
import org.switchboard.model.Subscription;
import org.switchboard.model.Trigger;

/**
 * The catalog rows every event reads (its trigger, bot, bot version and the project's active subscriptions), kept
 * in memory. A change made through this node ({@link Database#writeCatalog}) is seen at once; a change made on
 * another node within {@link #FRESH}, since cached rows expire (published bot versions never change, so never do).
 */
public final class Catalog {
  public static final Duration FRESH = Duration.ofSeconds(1);

  private record Key(String kind, String id) {}

  private record VersionKey(String botId, int version) {}

  private final Database db;
  private final AtomicLong generation = new AtomicLong();
  private final Cache<Key, Object> rows = Caffeine.newBuilder().maximumSize(50_000).expireAfterWrite(FRESH).build();
  private final Cache<VersionKey, BotVersion> versions = Caffeine.newBuilder().maximumSize(5_000).build();

  Catalog(Database db) { this.db = db; }

  public Optional<Trigger> trigger(String id) {
    Optional<Trigger> hit = hit(new Key("trigger", id));
    return hit != null ? hit : db.read(h -> trigger(h, id));
  }

  private Optional<Trigger> trigger(Handle h, String id) {
    return cached(new Key("trigger", id), k -> TriggerStore.find(h, id));
  }

  public Optional<Bot> bot(String id) {
    Optional<Bot> hit = hit(new Key("bot", id));
    return hit != null ? hit : db.read(h -> bot(h, id));
  }

  public Optional<Bot> bot(Handle h, String id) {
    return cached(new Key("bot", id), k -> BotStore.find(h, id));
  }

  public Optional<BotVersion> version(String botId, int version) {
    BotVersion hit = versions.getIfPresent(new VersionKey(botId, version));
    return hit != null ? Optional.of(hit) : db.read(h -> version(h, botId, version));
  }

  public Optional<BotVersion> version(Handle h, String botId, int version) {
    VersionKey key = new VersionKey(botId, version);
    BotVersion hit = versions.getIfPresent(key);
    if (hit != null) return Optional.of(hit);
    Optional<BotVersion> loaded = BotStore.version(h, botId, version);
    loaded.ifPresent(v -> versions.put(key, v));
    return loaded;
  }

  public List<Subscription> activeSubscriptions(String projectId) {
    List<Subscription> hit = hit(new Key("subscriptions", projectId));
    return hit != null ? hit : db.read(h -> activeSubscriptions(h, projectId));
  }

  public List<Subscription> activeSubscriptions(Handle h, String projectId) {
    return cached(new Key("subscriptions", projectId), k -> SubscriptionStore.active(h, projectId));
  }

  /** After a committed change to any catalog row: forget everything (catalog changes are rare). */
  public void changed() {
    generation.incrementAndGet();
    rows.invalidateAll();
  }

  @SuppressWarnings("unchecked")
  private <T> T hit(Key key) {
    return (T) rows.getIfPresent(key);
  }

  /** Loads on a miss, and keeps the row only if no change was committed meanwhile (else it may be stale). */
  @SuppressWarnings("unchecked")
  private <T> T cached(Key key, Function<Key, T> load) {
    T hit = (T) rows.getIfPresent(key);
    if (hit != null) return hit;
    long seen = generation.get();
    T loaded = load.apply(key);
    if (generation.get() == seen) rows.put(key, loaded);
    return loaded;
  }
}
