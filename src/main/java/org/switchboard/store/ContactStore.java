package org.switchboard.store;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.switchboard.model.Contact;

public final class ContactStore {
  private static final RowMapper<Contact> CONTACT = (rs, ctx) -> new Contact(rs.getString("id"),
      rs.getString("project_id"), rs.getString("name"), rs.getString("email"), rs.getString("phone"),
      rs.getString("external_id"), rs.getLong("created_at"), rs.getLong("updated_at"));

  private ContactStore() {}

  public static Optional<Contact> find(Handle h, String id) {
    return h.createQuery("SELECT * FROM contacts WHERE id = :id").bind("id", id).map(CONTACT).findOne();
  }

  public static Optional<Contact> findByExternalId(Handle h, String projectId, String externalId) {
    return h.createQuery("SELECT * FROM contacts WHERE project_id = :p AND external_id = :x")
        .bind("p", projectId).bind("x", externalId).map(CONTACT).findOne();
  }

  public static Optional<Contact> findByEmail(Handle h, String projectId, String email) {
    return h.createQuery("SELECT * FROM contacts WHERE project_id = :p AND email_lower = :e")
        .bind("p", projectId).bind("e", email.toLowerCase()).map(CONTACT).findOne();
  }

  public static Optional<Contact> findByPhone(Handle h, String projectId, String phone) {
    return h.createQuery("SELECT * FROM contacts WHERE project_id = :p AND phone = :ph ORDER BY id LIMIT 1")
        .bind("p", projectId).bind("ph", phone).map(CONTACT).findOne();
  }

  public static void insert(Handle h, Contact c) {
    h.createUpdate("INSERT INTO contacts (id, project_id, name, email, email_lower, phone, external_id, created_at, updated_at) "
            + "VALUES (:id, :projectId, :name, :email, :emailLower, :phone, :externalId, :createdAt, :updatedAt)")
        .bind("id", c.id()).bind("projectId", c.projectId()).bind("name", c.name()).bind("email", c.email())
        .bind("emailLower", c.email() == null ? null : c.email().toLowerCase()).bind("phone", c.phone())
        .bind("externalId", c.externalId()).bind("createdAt", c.createdAt()).bind("updatedAt", c.updatedAt())
        .execute();
  }

  public static void update(Handle h, Contact c) {
    h.createUpdate("UPDATE contacts SET name = :name, email = :email, email_lower = :emailLower, phone = :phone, "
            + "external_id = :externalId, updated_at = :updatedAt WHERE id = :id")
        .bind("id", c.id()).bind("name", c.name()).bind("email", c.email())
        .bind("emailLower", c.email() == null ? null : c.email().toLowerCase()).bind("phone", c.phone())
        .bind("externalId", c.externalId()).bind("updatedAt", c.updatedAt()).execute();
  }

  public static List<Contact> list(Handle h, String projectId, String email, String phone, String externalId,
                                   String before, int limit) {
    return h.createQuery("SELECT * FROM contacts WHERE project_id = :p "
            + "AND (:email IS NULL OR email_lower = :email) AND (:phone IS NULL OR phone = :phone) "
            + "AND (:x IS NULL OR external_id = :x) AND (:before IS NULL OR id < :before) ORDER BY id DESC LIMIT :limit")
        .bind("p", projectId).bind("email", email == null ? null : email.toLowerCase()).bind("phone", phone)
        .bind("x", externalId).bind("before", before).bind("limit", limit).map(CONTACT).list();
  }
}
