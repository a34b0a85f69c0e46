package org.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A conversation between one contact (or none) and one bot version. {@code state} is the runtime's own
 * bookkeeping (a waiting ask, timers); {@code variables} are the flow's {@code vars}. {@code externalId} is the
 * id a channel's caller gave it (Botpress's conversationId).
 */
public record Conversation(String id, String projectId, String botId, int botVersion, String contactId,
                           String triggerId, String channelId, String externalId, String status, JsonNode variables, JsonNode state,
                           long createdAt, long lastActivityAt) {
  public static final String ACTIVE = "active";
  public static final String HANDOFF = "handoff";
  public static final String ENDED = "ended";
}
