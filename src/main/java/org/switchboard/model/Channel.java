package org.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A bot reached through another platform's API. Its bot messages go out through its own subscription
 * ({@code subscriptionId}), which only takes the channel's conversations.
 */
public record Channel(String id, String projectId, String type, String botId, JsonNode config, String subscriptionId,
                      long createdAt, long updatedAt) {
  public static final String BOTPRESS_MESSAGING = "botpress-messaging";

  public String responseEndpointUrl() { return config.path("responseEndpointUrl").asText(null); }
}
