package org.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Where notifications of some topics go: a URL, how to call it, which notifications, and its signing secrets.
 * {@code bodyTemplate} is null (the envelope), a text template, or a JSON template (an object or array). A channel's
 * own subscription has {@code channelId} and gets only that channel's conversations.
 */
public record Subscription(String id, String projectId, List<String> topics, String url, String method, String botId,
                           String contactExternalId, String channelId, JsonNode headers, JsonNode queryParams,
                           JsonNode bodyTemplate,
                           boolean ordered, String status, String disabledReason, String secretSealed,
                           String previousSecretSealed, Long previousSecretUntil, Long failingSince, JsonNode meta,
                           long createdAt, long updatedAt) {
  public static final String ACTIVE = "active";
  public static final String DISABLED = "disabled";

  /** Whether a notification of a conversation with these parties goes to this subscription. */
  public boolean wants(String topic, String botId, String contactExternalId, String channelId) {
    if (!wants(topic)) return false;
    if (this.botId != null && !this.botId.equals(botId)) return false;
    if (this.contactExternalId != null && !this.contactExternalId.equals(contactExternalId)) return false;
    return this.channelId == null || this.channelId.equals(channelId);
  }

  public boolean wants(String topic) {
    for (String t : topics) {
      if (t.equals("*") || t.equals(topic) || (t.endsWith(".*") && topic.startsWith(t.substring(0, t.length() - 1)))) return true;
    }
    return false;
  }
}
