package org.switchboard.runtime;

import com.fasterxml.jackson.databind.JsonNode;

/** Whether a conversation's saved position (a waiting ask or a wait) still exists in a flow version. */
public final class Resume {
  private Resume() {}

  public static boolean stillValid(JsonNode flow, JsonNode state) {
    for (String key : new String[] {"waiting", "paused"}) {
      JsonNode pointer = state.path(key).path("pointer");
      for (JsonNode frame : pointer) {
        JsonNode list = flow.at(frame.path("at").asText());
        if (!list.isArray() || frame.path("index").asInt() > list.size()) return false;
      }
      if (key.equals("waiting") && state.has("waiting")) {
        JsonNode target = state.get("waiting").path("timeoutGoto");
        if (target.isTextual() && !flow.path("nodes").has(target.asText())) return false;
      }
    }
    return true;
  }
}
