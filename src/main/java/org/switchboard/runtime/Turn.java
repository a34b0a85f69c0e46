package org.switchboard.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Supplier;
import org.switchboard.model.Message;

/**
 * One run of a bot for one event. In: the flow, the event and what templates and expressions see. Out: the
 * messages to send, the conversation's new variables, status and runtime state, the timers to set or cancel, the
 * custom events to publish, and a trace for the event's result.
 */
public final class Turn {
  /**
   * @param scope   {@code event}, {@code contact}, {@code conversation}, {@code bot}, {@code now} (vars are added)
   * @param history the conversation's recent messages, loaded only if an agent step needs them
   * @param inline  the turn runs before its event is stored: a step that would call out throws {@link CallsOut}
   */
  public record Input(JsonNode flow, String eventType, String triggerKey, boolean firstEvent, ObjectNode scope,
                      ObjectNode variables, ObjectNode state, Supplier<List<Message>> history, boolean inline) {}

  public record OutMessage(String type, ObjectNode payload) {}

  /** A durable timer: a {@code wait} step or an {@code ask} timeout, fired as an event of that kind. */
  public record Timer(String id, String kind, long dueAt) {}

  public record Emit(String topic, JsonNode data) {}

  public record Output(List<OutMessage> messages, ObjectNode variables, ObjectNode state, String conversationStatus,
                       List<JsonNode> trace, List<Timer> timers, List<String> cancelledTimers, List<Emit> emits) {}

  /** The flow cannot go on: the event fails with this error (trying again would give the same answer). */
  public static final class Failure extends Exception {
    public Failure(String message) { super(message, null, false, false); }
  }

  /** An inline turn reached a step that calls out (http, skill, agent): it must run the usual way, after the commit. */
  public static final class CallsOut extends RuntimeException {
    public CallsOut() { super("the turn calls out", null, false, false); }
  }

  private Turn() {}
}
