package org.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Something that happened on a topic (a bot message, a conversation start, an event's end, a custom event), kept
 * in the project's feed in commit order ({@code seq}). Its envelope is what webhooks and streams carry.
 */
public record Notification(String id, String projectId, long seq, String topic, String conversationId, String botId,
                           String contactExternalId, JsonNode data, long createdAt) {

  public com.fasterxml.jackson.databind.node.ObjectNode envelope() {
    var node = Json.object().put("id", id).put("type", topic).put("createdAt", Times.iso(createdAt));
    node.set("data", data);
    return node;
  }
}
