package org.switchboard.auth;

import java.util.Optional;

/** What a project API key may do; {@code project.admin} implies the other three. */
public enum Permission {
  ADMIN("project.admin"),
  TRIGGER("project.trigger"),
  CONVERSATION("project.conversation"),
  READ("project.read");

  private final String wireName;

  Permission(String wireName) { this.wireName = wireName; }

  public String wireName() { return wireName; }

  public static Optional<Permission> parse(String name) {
    for (Permission p : values()) if (p.wireName.equals(name)) return Optional.of(p);
    return Optional.empty();
  }
}
