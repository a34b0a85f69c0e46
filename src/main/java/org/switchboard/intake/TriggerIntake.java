package org.switchboard.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jdbi.v3.core.Handle;
import org.switchboard.auth.Access;
import org.switchboard.auth.Permission;
import org.switchboard.auth.Principal;
import org.switchboard.auth.Secrets;
import org.switchboard.delivery.Notifier;
import org.switchboard.delivery.Outbox;
import org.switchboard.model.Bot;
import org.switchboard.model.Conversation;
import org.switchboard.model.Event;
import org.switchboard.model.Ids;
import org.switchboard.model.Json;
import org.switchboard.model.Problem;
import org.switchboard.model.Trigger;
import org.switchboard.runtime.Expressions;
import org.switchboard.store.BotStore;
import org.switchboard.store.Database;
import org.switchboard.store.EventStore;
import org.switchboard.store.GroupCommitter;
import org.switchboard.store.TriggerStore;

/**
 * Accepts trigger events, in this order: trigger state and auth, rate limit, filter, duplicates and idempotency
 * keys, session and contact, then one group-committed write of the event and its queue entry. Nothing is
 * acknowledged before that commit. Every dialect comes through here.
 */
public final class TriggerIntake {
  /** How a caller proves it may invoke the trigger. */
  public enum CredentialRule {
    /** The trigger secret, or an API key with project.trigger on the trigger's project (native). */
    SECRET_OR_KEY,
    /** The trigger secret only (ChatBotKit). */
    SECRET_ONLY,
    /** An API key with project.trigger (Chathive, AEI). */
    KEY_ONLY
  }

  public record Invocation(JsonNode payload, Map<String, String> headers, Map<String, String> query,
                           String sessionKey, ContactInput contact, String idempotencyKey, String source,
                           ObjectNode context) {}

  /** The stored event; {@code repeated} when an idempotency key answered with an earlier event. */
  public record Outcome(Event event, Trigger trigger, boolean repeated) {
    /**
     * Run on this node ({@link Handoff}): stored leased to its worker, so it runs here unless the node dies first,
     * or run inline and stored finished.
     */
    public boolean handedOver() {
      return !repeated && !Event.ACCEPTED.equals(event.status()) && !Event.DROPPED.equals(event.status());
    }
  }

  private final Database db;
  private final GroupCommitter committer;
  private final Access access;
  private final Secrets secrets;
  private final Clock clock;
  private final Runnable wakeWorkers;
  private final Handoff handoff;
  private final Outbox outbox;
  private final Notifier notifier;
  private final RateLimiter rateLimiter;
  private final Cache<String, byte[]> secretDigests = Caffeine.newBuilder().maximumSize(10_000).build();

  public TriggerIntake(Database db, GroupCommitter committer, Access access, Secrets secrets, Clock clock,
                       Runnable wakeWorkers, Handoff handoff, Outbox outbox, Notifier notifier,
                       RateLimiter rateLimiter) {
    this.handoff = handoff;
    this.rateLimiter = rateLimiter;
    this.outbox = outbox;
    this.notifier = notifier;
    this.db = db;
    this.committer = committer;
    this.access = access;
    this.secrets = secrets;
    this.clock = clock;
    this.wakeWorkers = wakeWorkers;
  }

  /** 404 for an unknown or paused trigger, whatever the credentials (no probing of ids). */
  public Trigger activeTrigger(String triggerId) {
    return db.catalog().trigger(triggerId).filter(Trigger::active)
        .orElseThrow(() -> Problem.notFound("trigger " + triggerId));
  }


  /** A trigger by its key (case-insensitive) in a project; 404 when unknown or paused. */
  public Trigger activeTriggerByKey(String projectId, String key) {
    return db.read(h -> TriggerStore.findByKey(h, projectId, key)).filter(Trigger::active)
        .orElseThrow(() -> Problem.notFound("trigger '" + key + "'"));
  }

  /** 401 without a valid credential, 403 for a key without project.trigger on this project. */
  public void authorize(Trigger trigger, String token, CredentialRule rule) {
    if (!trigger.authenticate() && rule != CredentialRule.KEY_ONLY) return;
    if (token == null || token.isBlank()) throw Problem.unauthorized("this trigger needs its secret or an API key");
    if (rule != CredentialRule.KEY_ONLY && MessageDigest.isEqual(digest(token), secretDigest(trigger))) {
      return;
    }
    if (rule == CredentialRule.SECRET_ONLY) throw Problem.unauthorized("the trigger secret is not valid");
    Principal principal = access.identify(token)
        .orElseThrow(() -> Problem.unauthorized("the trigger secret or API key is not valid"));
    principal.require(trigger.projectId(), Permission.TRIGGER);
  }

  public Outcome invoke(Trigger trigger, Invocation in) {
    // Before anything is stored: a call over the trigger's limit leaves no trace but the 429.
    if (trigger.rateLimitPerMinute() != null) {
      rateLimiter.hit("trigger:" + trigger.id(), trigger.rateLimitPerMinute(), 60_000);
    }
    long now = clock.millis();
    int version = publishedVersion(trigger.botId());
    String dropReason = passesFilter(trigger, in) ? null : "filter";
    String sessionKey = trigger.sessionDurationSeconds() == 0 ? null
        : in.sessionKey() != null ? "session:" + in.sessionKey() : in.contact().sessionKey();
    String eventId = Ids.event();
    ObjectNode context = context(trigger, in);
    // Without a session or a contact to look up, the event starts a conversation nobody can see before this commit,
    // so its first turn may run now and be stored with it.
    Conversation fresh = dropReason == null && sessionKey == null && (in.contact() == null || in.contact().isEmpty())
        ? Sessions.fresh(trigger, null, version, now) : null;
    Handoff.InlineTurn inline = fresh == null ? null : handoff.runInline(new Event(eventId, trigger.projectId(),
        trigger.id(), null, fresh.id(), in.source(), "trigger", Event.ACCEPTED, in.payload(), context, now, null, null,
        0, null, null, null), fresh);
    Handoff.Reservation slot = dropReason == null && inline == null ? handoff.reserve() : null;
    // How the last run of the unit stored the event (the committer may run it twice): leased, inline or neither.
    Conversation[] leasedIn = {null};
    boolean[] inlined = {false};
    Outcome outcome;
    try {
      outcome = committer.submit(h -> {
        leasedIn[0] = null;
        inlined[0] = false;
        if (in.idempotencyKey() != null) {
          Optional<String> earlier = IdempotencyScope.TRIGGER.claim(h, trigger.id(), in.idempotencyKey(), eventId, now);
          if (earlier.isPresent()) return new Outcome(EventStore.find(h, earlier.get()).orElseThrow(), trigger, true);
        }
        if (dropReason != null) return new Outcome(drop(h, trigger, in, eventId, context, now, dropReason, null), trigger, false);
        if (trigger.ignoreDuplicates()) {
          Optional<String> original = EventStore.fingerprint(h, trigger.id(), fingerprint(in.payload()), eventId, now,
              now - trigger.duplicateWindowSeconds() * 1000);
          if (original.isPresent()) {
            return new Outcome(drop(h, trigger, in, eventId, context, now, "duplicate", original.get()), trigger, false);
          }
        }
        if (inline != null) {
          inlined[0] = true;
          return new Outcome(inline.write(h), trigger, false);
        }
        String contactId = Contacts.resolve(h, trigger.projectId(), in.contact(), now);
        Sessions.Resolved to = Sessions.resolve(h, db.dialect(), outbox, trigger, sessionKey, contactId, version, now);
        Event event = new Event(eventId, trigger.projectId(), trigger.id(), null, to.conversation().id(), in.source(),
            "trigger", Event.ACCEPTED, in.payload(), context, now, null, null, 0, null, null, null);
        if (to.started() && slot != null) {
          leasedIn[0] = to.conversation();
          return new Outcome(Queue.acceptFirstLeased(h, event, now, slot.owner(), slot.leaseUntil(now)), trigger, false);
        }
        if (to.started()) Queue.acceptFirst(h, event, now);
        else Queue.accept(h, event, now);
        return new Outcome(event, trigger, false);
      });
    } catch (RuntimeException e) {
      if (slot != null) slot.cancel();
      throw e;
    }
    if (inlined[0]) inline.committed();
    if (slot != null) {
      if (leasedIn[0] != null) slot.run(outcome.event(), leasedIn[0]);
      else slot.cancel();
    }
    if (!outcome.repeated()) {
      if (Event.ACCEPTED.equals(outcome.event().status())) wakeWorkers.run();
      notifier.feedChanged(trigger.projectId());
    }
    return outcome;
  }

  /**
   * A scheduled event (or one fired by hand as the schedule would), accepted inside the caller's transaction: no
   * credentials, filter or duplicate checks, since no outside caller sent it. Each starts a conversation.
   */
  public Event acceptScheduled(Handle h, Trigger trigger, JsonNode payload, String eventId, long now) {
    Bot bot = BotStore.find(h, trigger.botId()).orElseThrow(() -> Problem.conflict("the trigger's bot no longer exists"));
    if (bot.publishedVersion() == null) throw Problem.conflict("bot " + bot.id() + " has no published version");
    var conversation = Sessions.start(h, outbox, trigger, null, bot.publishedVersion(), now);
    ObjectNode context = Json.object();
    context.set("trigger", Json.object().put("id", trigger.id()).put("key", trigger.key()).put("name", trigger.name()));
    Event event = new Event(eventId, trigger.projectId(), trigger.id(), null, conversation.id(), "schedule", "schedule",
        Event.ACCEPTED, payload, context, now, null, null, 0, null, null, null);
    Queue.acceptFirst(h, event, now);
    return event;
  }

  /** After a transaction that accepted scheduled events has committed. */
  public void scheduledCommitted(String projectId) {
    wakeWorkers.run();
    notifier.feedChanged(projectId);
  }

  private int publishedVersion(String botId) {
    Bot bot = db.catalog().bot(botId).orElseThrow(() -> Problem.conflict("the trigger's bot no longer exists"));
    if (bot.publishedVersion() == null) {
      throw Problem.conflict("bot " + botId + " has no published version; publish it first");
    }
    return bot.publishedVersion();
  }

  /**
   * The SHA-256 of a trigger's secret, kept by its sealed form (which a rotation replaces), so a call costs one
   * hash instead of a decryption; digests of equal length compare in constant time.
   */
  private byte[] secretDigest(Trigger trigger) {
    return secretDigests.get(trigger.secretSealed(), sealed -> digest(secrets.decrypt(sealed)));
  }

  private static byte[] digest(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean passesFilter(Trigger trigger, Invocation in) {
    if (trigger.filter() == null) return true;
    Map<String, Object> vars = new HashMap<>();
    vars.put("body", Expressions.toCel(in.payload()));
    vars.put("headers", new HashMap<>(in.headers()));
    vars.put("query", new HashMap<>(in.query()));
    try {
      return Expressions.test(Expressions.Scope.FILTER, trigger.filter(), vars);
    } catch (Expressions.Failure e) {
      return false; // a filter that cannot be evaluated on this body does not let it through
    }
  }

  private Event drop(Handle h, Trigger trigger, Invocation in, String eventId, ObjectNode context, long now, String reason,
                     String original) {
    Event event = new Event(eventId, trigger.projectId(), trigger.id(), null, null, in.source(), "trigger",
        Event.DROPPED, in.payload(), context, now, null, now, 0, null, reason, original);
    EventStore.insert(h, event, null);
    outbox.eventFinished(h, event, null, now);
    return event;
  }

  private static ObjectNode context(Trigger trigger, Invocation in) {
    ObjectNode context = in.context() == null ? Json.object() : in.context().deepCopy();
    context.set("trigger", Json.object().put("id", trigger.id()).put("key", trigger.key()).put("name", trigger.name()));
    if (in.sessionKey() != null) context.put("session", in.sessionKey());
    return context;
  }

  static String fingerprint(JsonNode payload) {
    try {
      byte[] canonical = Json.MAPPER.writer().with(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .writeValueAsBytes(Json.MAPPER.treeToValue(payload, Object.class));
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (Exception e) {
      return HexFormat.of().formatHex(Json.write(payload).getBytes(StandardCharsets.UTF_8));
    }
  }
}
