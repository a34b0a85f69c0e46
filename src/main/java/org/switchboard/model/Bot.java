package org.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;

/** A bot: an editable draft flow document and the number of its latest published version, if any. */
public record Bot(String id, String projectId, String name, String key, JsonNode draft, Integer publishedVersion,
                  long createdAt, long updatedAt) {}
