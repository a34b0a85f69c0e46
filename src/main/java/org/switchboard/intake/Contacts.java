package org.switchboard.intake;

import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.switchboard.model.Contact;
import org.switchboard.model.Ids;
import org.switchboard.store.ContactStore;

/** Finds a contact by external id, then email, then phone; creates it if none matches; keeps it up to date. */
final class Contacts {
  // A contact with only a name cannot be matched later, so it is created anew each time.
  private Contacts() {}

  static String resolve(Handle h, String projectId, ContactInput in, long now) {
    if (in == null || in.isEmpty()) return null;
    Optional<Contact> found = Optional.empty();
    if (in.externalId() != null) found = ContactStore.findByExternalId(h, projectId, in.externalId());
    if (found.isEmpty() && in.email() != null) found = ContactStore.findByEmail(h, projectId, in.email());
    if (found.isEmpty() && in.phone() != null) found = ContactStore.findByPhone(h, projectId, in.phone());
    if (found.isEmpty()) {
      Contact created = new Contact(Ids.contact(), projectId, in.name(), in.email(), in.phone(), in.externalId(), now, now);
      ContactStore.insert(h, created);
      return created.id();
    }
    Contact c = found.get();
    // Fill what the contact lacks, but never take an email or external id another contact already has.
    String email = c.email() == null && in.email() != null && ContactStore.findByEmail(h, projectId, in.email()).isEmpty()
        ? in.email() : c.email();
    String externalId = c.externalId() == null && in.externalId() != null
        && ContactStore.findByExternalId(h, projectId, in.externalId()).isEmpty() ? in.externalId() : c.externalId();
    Contact updated = new Contact(c.id(), projectId, in.name() != null ? in.name() : c.name(), email,
        c.phone() == null ? in.phone() : c.phone(), externalId, c.createdAt(), now);
    if (!updated.equals(new Contact(c.id(), projectId, c.name(), c.email(), c.phone(), c.externalId(), c.createdAt(), now))) {
      ContactStore.update(h, updated);
    }
    return c.id();
  }
}
