package org.switchboard.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One run of a bot for one event. In: the flow and what templates and expressions see. Out: the messages to send
 * and the conversation's new variables, status and runtime state, plus a trace for the event's result.
 */
public final class Turn {
  public record Input(JsonNode flow, String eventType, String triggerKey, boolean firstEvent, ObjectNode scope,
                      ObjectNode variables, ObjectNode state) {}

  public record OutMessage(String type, ObjectNode payload) {}

  public record Output(List<OutMessage> messages, ObjectNode variables, ObjectNode state, String conversationStatus,
                       List<JsonNode> trace) {}

  /** The flow cannot go on: the event fails with this error. */
  public static final class Failure extends Exception {
    public Failure(String message) { super(message, null, false, false); }
  }

  private Turn() {}
}
