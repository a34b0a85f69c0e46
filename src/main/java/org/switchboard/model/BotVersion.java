package org.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;

public record BotVersion(String botId, int version, JsonNode definition, long publishedAt) {}
