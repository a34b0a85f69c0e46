package org.switchboard.model;

public record Contact(String id, String projectId, String name, String email, String phone, String externalId,
                      long createdAt, long updatedAt) {}
