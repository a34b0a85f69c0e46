package org.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;

/** One message in a conversation; {@code seq} numbers a conversation's messages 1, 2, 3, ... */
public record Message(String id, String conversationId, long seq, String role, String type, JsonNode payload,
                      String eventId, long createdAt) {
  public static final String USER = "user";
  public static final String BOT = "bot";
  /** A person speaking for the bot during a handoff. */
  public static final String OPERATOR = "operator";
  public static final String SYSTEM = "system";
}
