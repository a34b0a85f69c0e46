package org.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Where notifications of some topics go: a URL, how to call it, which notifications, and its signing secrets. */
public record Subscription(String id, String projectId, List<String> topics, String url, String method, String botId,
                           String contactExternalId, JsonNode headers, JsonNode queryParams, String bodyTemplate,
                           boolean ordered, String status, String disabledReason, String secretSealed,
                           String previousSecretSealed, Long previousSecretUntil, Long failingSince, JsonNode meta,
                           long createdAt, long updatedAt) {
  public static final String ACTIVE = "active";
  public static final String DISABLED = "disabled";

  public boolean wants(String topic) {
    for (String t : topics) {
      if (t.equals("*") || t.equals(topic) || (t.endsWith(".*") && topic.startsWith(t.substring(0, t.length() - 1)))) return true;
    }
    return false;
  }
}
