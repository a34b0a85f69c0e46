package org.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;

/** A trigger endpoint: where events enter, how they are authenticated, filtered, de-duplicated and grouped. */
public record Trigger(
    String id, String projectId, String name, String key, String description, String botId,
    boolean authenticate, boolean waitForResponse, long responseTimeoutMs, long sessionDurationSeconds,
    boolean ignoreDuplicates, long duplicateWindowSeconds, String filter, Long rateLimitPerMinute, JsonNode schedule,
    JsonNode meta,
    String status, String secretSealed, long createdAt, long updatedAt, Long lastTriggerAt, Long nextTriggerAt) {

  public static final String ACTIVE = "active";
  public static final String PAUSED = "paused";

  public boolean active() { return ACTIVE.equals(status); }
}
