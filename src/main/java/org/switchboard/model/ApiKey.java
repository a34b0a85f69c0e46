package org.switchboard.model;

import java.util.List;

public record ApiKey(String id, String projectId, String name, List<String> permissions, long createdAt) {}
