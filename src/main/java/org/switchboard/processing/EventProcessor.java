package org.switchboard.processing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchboard.delivery.Notifier;
import org.switchboard.delivery.Outbox;
import org.switchboard.delivery.Replies;
import org.switchboard.intake.Handoff;
import org.switchboard.model.Bot;
import org.switchboard.model.BotVersion;
import org.switchboard.model.Contact;
import org.switchboard.model.Conversation;
import org.switchboard.model.Event;
import org.switchboard.model.Ids;
import org.switchboard.model.Json;
import org.switchboard.model.Message;
import org.switchboard.model.Times;
import org.switchboard.model.Trigger;
import org.switchboard.runtime.BotRuntime;
import org.switchboard.runtime.Turn;
import org.switchboard.store.BotStore;
import org.switchboard.store.ConversationStore;
import org.switchboard.store.Database;
import org.switchboard.store.EventStore;
import org.switchboard.store.GroupCommitter;
import org.switchboard.store.QueueStore;
import org.switchboard.store.TimerStore;

/**
 * Runs one claimed event through the bot and commits what it produced (messages, variables, status) together
 * with the event's completion and the removal of its queue entry, so a retry can never send a message twice.
 */
public final class EventProcessor {
  /** How often a failing event is tried, and how long to wait before each retry (jittered by ±50%). */
  public record RetryPolicy(int maxAttempts, long[] backoffMs) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, new long[] {1_000, 5_000, 15_000, 60_000});

    long delayBefore(int nextAttempt) {
      long delay = backoffMs[Math.min(nextAttempt - 2, backoffMs.length - 1)];
      return delay / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, delay));
    }
  }
  private static final Logger LOG = LoggerFactory.getLogger(EventProcessor.class);
  /** How many recent messages an agent step sees. */
  private static final int HISTORY = 20;

  private final Database db;
  private final GroupCommitter committer;
  private final BotRuntime runtime;
  private final Notifier notifier;
  private final Clock clock;
  private final RetryPolicy retry;
  private final Outbox outbox;
  private final Replies replies;

  private final Counter completed;
  private final Counter failed;

  public EventProcessor(Database db, GroupCommitter committer, BotRuntime runtime, Notifier notifier, Clock clock,
                        RetryPolicy retry, Outbox outbox, Replies replies, MeterRegistry metrics) {
    this.replies = replies;
    this.completed = finished(metrics, Event.COMPLETED);
    this.failed = finished(metrics, Event.FAILED);
    this.outbox = outbox;
    this.retry = retry;
    this.db = db;
    this.committer = committer;
    this.runtime = runtime;
    this.notifier = notifier;
    this.clock = clock;
  }

  private static Counter finished(MeterRegistry metrics, String status) {
    return Counter.builder("switchboard_events_finished").description("events that finished, by outcome")
        .tag("status", status).register(metrics);
  }

  private static final class LeaseLost extends RuntimeException {
    LeaseLost() { super("lease lost", null, false, false); }
  }

  /** An event and its conversation as intake stored them, when it handed the event to this node's worker. */
  record Handed(Event event, Conversation conversation) {}

  private record Loaded(Event event, Outbox.Parties parties) {}

  void process(QueueStore.Claim claim, String owner, Handed handed) {
    try {
      // The claim marked the event processing. What the run needs is read at once: the event, and who the
      // conversation involves (the run and the notifications of its completion both use it).
      Loaded loaded = handed != null ? loaded(handed) : db.read(h -> {
        Event e = EventStore.find(h, claim.eventId()).orElseThrow();
        return new Loaded(e, outbox.parties(h, ConversationStore.find(h, claim.conversationId()).orElseThrow()));
      });
      Event event = loaded.event();
      if (claim.attempts() > retry.maxAttempts()) {
        fail(claim, owner, event, "gave up after " + retry.maxAttempts() + " attempts (the event kept crashing its worker)");
        return;
      }
      Outbox.Parties parties = loaded.parties();
      Conversation conversation = parties.conversation();
      Turn.Output output;
      if (!Conversation.ACTIVE.equals(conversation.status())) {
        output = silent(conversation);
      } else {
        try {
          output = run(event, parties, false);
        } catch (Turn.Failure failure) {
          fail(claim, owner, event, failure.getMessage());
          return;
        }
      }
      complete(claim, owner, event, parties, output);
    } catch (LeaseLost e) {
      LOG.info("event {} was taken over by another worker; dropping this run", claim.eventId());
    } catch (RuntimeException e) {
      LOG.warn("event {} attempt {} failed: {}", claim.eventId(), claim.attempts(), e.toString());
      retryOrFail(claim, owner, e.toString());
    }
  }

  /** Nothing to read back but a contact: the bot is in the catalog. */
  private Loaded loaded(Handed handed) {
    Conversation c = handed.conversation();
    return new Loaded(handed.event(), c.contactId() == null
        ? new Outbox.Parties(c, null, db.catalog().bot(c.botId()).orElse(null))
        : db.read(h -> outbox.parties(h, c)));
  }

  /**
   * The first turn of a conversation intake has not stored yet ({@link Handoff#runInline}), or null when it would
   * call out or cannot finish. All its JSON is written here, so the writer only stores it.
   */
  Handoff.InlineTurn runInline(Event accepted, Conversation conversation) {
    Event event = accepted.progressed(Event.PROCESSING, accepted.receivedAt(), null, 1, null);
    Outbox.Parties parties = new Outbox.Parties(conversation, null, db.catalog().bot(conversation.botId()).orElse(null));
    Rendered turn;
    try {
      turn = Rendered.of(run(event, parties, true));
    } catch (Turn.Failure | RuntimeException e) {
      return null; // Turn.CallsOut, or a failure the usual way records with its retries
    }
    long now = clock.millis();
    parties.snapshot();
    String payloadJson = Json.write(event.payload());
    String contextJson = Json.write(event.context());
    var fresh = new ConversationStore.Progress(conversation.status(), 0);
    return new Handoff.InlineTurn() {
      private Replies.Finished done;

      @Override
      public Event write(Handle h) {
        // Nobody can read this conversation, its messages or its event before the commit, so each is stored once,
        // as the turn left it, at the batch's end (one multi-row insert per table).
        outbox.conversationStarted(h, parties, event.receivedAt());
        done = record(h, event, parties, turn, fresh, now, new Rows() {
          @Override
          public void message(Handle h, Message m, String payloadJson) {
            ConversationStore.insertMessage(committer, h, m, payloadJson);
          }

          @Override
          public void conversation(Handle h, String status, long messageSeq) {
            ConversationStore.insertRun(committer, h, conversation, status, turn.variablesJson(), turn.stateJson(),
                messageSeq);
          }

          @Override
          public Conversation stored(Handle h) { // not in the database before the batch ends
            Turn.Output out = turn.out();
            return new Conversation(conversation.id(), conversation.projectId(), conversation.botId(),
                conversation.botVersion(), conversation.contactId(), conversation.triggerId(), conversation.channelId(),
                conversation.externalId(), out.conversationStatus(), out.variables(), out.state(),
                conversation.createdAt(), conversation.lastActivityAt());
          }
        });
        EventStore.insertFinished(committer, h, done.event(), payloadJson, contextJson, turn.resultJson());
        return done.event();
      }

      @Override
      public void committed() {
        finished(done, completed, true);
      }
    };
  }

  /** A turn's output ready to store: message ids taken and every JSON text written, outside the transaction. */
  private record Rendered(Turn.Output out, List<String> messageIds, List<String> messageJson, String variablesJson,
                          String stateJson, ObjectNode result, String resultJson) {
    static Rendered of(Turn.Output out) {
      List<String> ids = new ArrayList<>();
      List<String> json = new ArrayList<>();
      for (Turn.OutMessage m : out.messages()) {
        ids.add(Ids.message());
        json.add(Json.write(m.payload()));
      }
      ObjectNode result = EventProcessor.result(ids, out.trace(), null);
      if (!out.emits().isEmpty()) {
        ArrayNode emitted = result.putArray("emits");
        for (Turn.Emit e : out.emits()) emitted.addObject().put("topic", e.topic()).set("data", e.data());
      }
      return new Rendered(out, ids, json, Json.write(out.variables()), Json.write(out.state()), result, Json.write(result));
    }
  }

  private Turn.Output run(Event event, Outbox.Parties parties, boolean inline) throws Turn.Failure {
    Conversation conversation = parties.conversation();
    Bot bot = parties.bot();
    if (bot == null) throw new Turn.Failure("the conversation's bot no longer exists");
    BotVersion version = db.catalog().version(bot.id(), conversation.botVersion())
        .orElseThrow(() -> new Turn.Failure("bot version " + conversation.botVersion() + " does not exist"));
    Contact contact = parties.contact();
    ObjectNode state = conversation.state().isObject() ? ((ObjectNode) conversation.state()).deepCopy() : Json.object();
    boolean first = !state.path("started").asBoolean(false);
    ObjectNode variables = Json.object();
    if (first && version.definition().path("variables").isObject()) variables.setAll((ObjectNode) version.definition().get("variables"));
    if (conversation.variables().isObject()) variables.setAll((ObjectNode) conversation.variables());
    state.put("started", true);
    ObjectNode scope = Scope.of(event, conversation, contact, bot, version.version(), clock.millis());
    String triggerKey = event.context().path("trigger").path("key").asText(null);
    return runtime.run(new Turn.Input(version.definition(), event.type(), triggerKey, first, scope, variables, state,
        () -> db.read(h -> ConversationStore.recentMessages(h, conversation.id(), HISTORY)), inline));
  }

  private static Turn.Output silent(Conversation conversation) {
    return new Turn.Output(List.of(), (ObjectNode) conversation.variables(), (ObjectNode) conversation.state(),
        conversation.status(), List.of(Json.tree(java.util.Map.of("skipped", "conversation is " + conversation.status()))),
        List.of(), List.of(), List.of());
  }

  private void complete(QueueStore.Claim claim, String owner, Event event, Outbox.Parties parties, Turn.Output out) {
    long now = clock.millis();
    Conversation conversation = parties.conversation();
    Rendered turn = Rendered.of(out);
    Replies.Finished done = committer.submit(h -> {
      if (!QueueStore.complete(h, claim.eventId(), owner)) throw new LeaseLost();
      // One read and one update of the conversation, whatever the run said.
      ConversationStore.Progress progress = ConversationStore.progress(h, conversation.id(), db.dialect()).orElseThrow();
      Replies.Finished recorded = record(h, event, parties, turn, progress, now, new Rows() {
        @Override
        public void message(Handle h, Message m, String payloadJson) { ConversationStore.insertMessage(h, m, payloadJson); }

        @Override
        public void conversation(Handle h, String status, long messageSeq) {
          ConversationStore.saveRuntime(h, conversation.id(), status, turn.variablesJson(), turn.stateJson(), messageSeq);
        }

        @Override
        public Conversation stored(Handle h) { return ConversationStore.find(h, conversation.id()).orElseThrow(); }
      });
      EventStore.finish(h, event.id(), Event.COMPLETED, turn.resultJson(), now);
      return recorded;
    });
    finished(done, completed, false);
  }

  /** How a turn's messages and conversation are stored: at once over existing rows, or as new rows (inline). */
  private interface Rows {
    void message(Handle h, Message m, String payloadJson);

    void conversation(Handle h, String status, long messageSeq);

    /** The conversation as now stored, for the notification that it ended. */
    Conversation stored(Handle h);
  }

  /**
   * What a turn produced: its messages, the conversation's variables, status and state, timers, custom events, and
   * the notifications of it all, the event's end included. The caller stores the event's end itself.
   */
  private Replies.Finished record(Handle h, Event event, Outbox.Parties parties, Rendered turn,
                                  ConversationStore.Progress progress, long now, Rows rows) {
    Conversation conversation = parties.conversation();
    Turn.Output out = turn.out();
    long seq = progress.messageSeq();
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < out.messages().size(); i++) {
      Turn.OutMessage m = out.messages().get(i);
      Message stored = new Message(turn.messageIds().get(i), conversation.id(), ++seq, Message.BOT, m.type(),
          m.payload(), event.id(), now);
      rows.message(h, stored, turn.messageJson().get(i));
      messages.add(stored);
      outbox.messageCreated(h, parties, stored, now);
    }
    // A handoff or end that happened while the event ran wins over the flow's own status.
    String before = progress.status();
    String status = Conversation.ACTIVE.equals(before) ? out.conversationStatus() : before;
    rows.conversation(h, status, seq);
    if (Conversation.ENDED.equals(status) && !Conversation.ENDED.equals(before)) {
      outbox.conversationEnded(h, outbox.parties(h, rows.stored(h)), now);
    }
    for (String cancelled : out.cancelledTimers()) TimerStore.delete(h, cancelled);
    for (Turn.Timer t : out.timers()) TimerStore.insert(h, t.id(), conversation.id(), t.kind(), t.dueAt());
    for (Turn.Emit e : out.emits()) outbox.custom(h, parties, e.topic(), e.data(), now);
    Event finished = finished(event, Event.COMPLETED, turn.result(), now);
    outbox.eventFinished(h, finished, parties, now);
    return new Replies.Finished(finished, messages);
  }

  /**
   * After the commit of an event's end: counts it, hands the result to a caller here, wakes the others. An inline
   * turn's event and conversation were unknown before that commit, so only this node hears of them.
   */
  private void finished(Replies.Finished done, Counter outcome, boolean inline) {
    Event event = done.event();
    outcome.increment();
    replies.finished(done, awaited(event));
    if (inline) {
      notifier.startedAndFinishedHere(event.id(), event.conversationId());
    } else {
      notifier.eventFinished(event.id());
      notifier.conversationChanged(event.conversationId());
    }
    notifier.feedChanged(event.projectId());
  }

  private static Event finished(Event e, String status, JsonNode result, long now) {
    return e.progressed(status, e.startedAt() == null ? now : e.startedAt(), now, e.attempts(), result);
  }

  private void fail(QueueStore.Claim claim, String owner, Event event, String error) {
    long now = clock.millis();
    Replies.Finished done = committer.submit(h -> {
      if (!QueueStore.complete(h, claim.eventId(), owner)) throw new LeaseLost();
      ObjectNode result = result(List.of(), List.of(), error);
      EventStore.finish(h, event.id(), Event.FAILED, Json.write(result), now);
      Outbox.Parties parties = ConversationStore.find(h, claim.conversationId()).map(c -> outbox.parties(h, c)).orElse(null);
      Event finished = finished(event, Event.FAILED, result, now);
      outbox.eventFinished(h, finished, parties, now);
      return new Replies.Finished(finished, List.of());
    });
    finished(done, failed, false);
  }

  /** Whether a caller waits for this event's result: its trigger answers with the bot's replies. */
  private boolean awaited(Event event) {
    return event.triggerId() != null && db.catalog().trigger(event.triggerId()).map(Trigger::waitForResponse).orElse(false);
  }

  private void retryOrFail(QueueStore.Claim claim, String owner, String error) {
    try {
      if (claim.attempts() >= retry.maxAttempts()) {
        Event event = db.read(h -> EventStore.find(h, claim.eventId())).orElseThrow();
        fail(claim, owner, event, "failed after " + claim.attempts() + " attempts: " + error);
        return;
      }
      long at = clock.millis() + retry.delayBefore(claim.attempts() + 1);
      committer.submit(h -> {
        if (!QueueStore.postpone(h, claim.eventId(), owner, at)) throw new LeaseLost();
        EventStore.retryLater(h, claim.eventId(), Json.write(result(List.of(), List.of(),
            "attempt " + claim.attempts() + " failed: " + error + "; next attempt at " + Times.iso(at))));
        return null;
      });
    } catch (LeaseLost e) {
      LOG.info("event {} was taken over by another worker", claim.eventId());
    } catch (RuntimeException e) {
      LOG.warn("could not record the failure of event {}; its lease will expire: {}", claim.eventId(), e.toString());
    }
  }

  private static ObjectNode result(List<String> messageIds, List<JsonNode> trace, String error) {
    ObjectNode result = Json.object();
    ArrayNode ids = result.putArray("messageIds");
    messageIds.forEach(ids::add);
    ArrayNode actions = result.putArray("actions");
    trace.forEach(actions::add);
    if (error == null) result.putNull("error");
    else result.put("error", error);
    return result;
  }
}
