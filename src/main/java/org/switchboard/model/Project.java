package org.switchboard.model;

public record Project(String id, String name, long createdAt) {}
