package org.switchboard.model;

/** One notification sent to one subscription, with its retry state. */
public record Delivery(String id, String subscriptionId, String notificationId, String projectId, String conversationId,
                       long seq, boolean ordered, String status, int attempts, int consecutiveFailures, long nextAttemptAt,
                       Integer lastStatus, String lastError, long createdAt, Long completedAt) {
  public static final String PENDING = "pending";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
}
