package org.switchboard.runtime;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Whether a conversation's saved position still exists in a flow version: every saved step list must be there,
 * and the step the conversation stopped at must still be the same kind of step (an ask for a waiting answer, a
 * wait for a pause), with its timeout target if it has one.
 */
public final class Resume {
  private Resume() {}

  public static boolean stillValid(JsonNode flow, JsonNode state) {
    return valid(flow, state.path("waiting"), "ask") && valid(flow, state.path("paused"), "wait");
  }

  private static boolean valid(JsonNode flow, JsonNode saved, String stepKind) {
    if (saved.isMissingNode()) return true;
    JsonNode pointer = saved.path("pointer");
    if (!pointer.isArray() || pointer.isEmpty()) return false;
    JsonNode list = null;
    int index = 0;
    for (JsonNode frame : pointer) {
      list = flow.at(frame.path("at").asText());
      index = frame.path("index").asInt();
      if (!list.isArray() || index < 1 || index > list.size()) return false;
    }
    if (!list.get(index - 1).has(stepKind)) return false;
    JsonNode target = saved.path("timeoutGoto");
    return !target.isTextual() || flow.path("nodes").has(target.asText());
  }
}
