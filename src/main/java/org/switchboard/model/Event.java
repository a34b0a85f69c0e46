package org.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Something that reached a bot: a trigger call, a user message, a schedule slot. {@code context} holds what the
 * flow sees besides the payload (trigger key, environment, language, user message id).
 */
public record Event(String id, String projectId, String triggerId, String channelId, String conversationId,
                    String source, String type, String status, JsonNode payload, JsonNode context,
                    long receivedAt, Long startedAt, Long completedAt, int attempts, JsonNode result,
                    String dropReason, String originalEventId) {
  public static final String ACCEPTED = "accepted";
  public static final String PROCESSING = "processing";
  public static final String COMPLETED = "completed";
  public static final String FAILED = "failed";
  public static final String DROPPED = "dropped";

  /** The same event further along its life: status, start, end, attempts and result replaced. */
  public Event progressed(String newStatus, Long newStartedAt, Long newCompletedAt, int newAttempts, JsonNode newResult) {
    return new Event(id, projectId, triggerId, channelId, conversationId, source, type, newStatus, payload, context,
        receivedAt, newStartedAt, newCompletedAt, newAttempts, newResult, dropReason, originalEventId);
  }

  public boolean finished() {
    return COMPLETED.equals(status) || FAILED.equals(status) || DROPPED.equals(status);
  }
}
