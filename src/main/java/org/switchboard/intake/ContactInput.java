package org.switchboard.intake;

import java.util.regex.Pattern;
import org.switchboard.model.Problem;

/** Who an event or conversation is from, as the caller describes them. */
public record ContactInput(String name, String email, String phone, String externalId) {
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Pattern PHONE = Pattern.compile("\\+?[0-9 ()./-]{3,32}");

  public static final ContactInput NONE = new ContactInput(null, null, null, null);

  public ContactInput {
    name = blankToNull(name);
    email = blankToNull(email);
    phone = blankToNull(phone);
    externalId = blankToNull(externalId);
    if (email != null && (email.length() > 320 || !EMAIL.matcher(email).matches())) {
      throw Problem.badRequest("contact.email '" + email + "' is not an email address");
    }
    if (phone != null && !PHONE.matcher(phone).matches()) {
      throw Problem.badRequest("contact.phone '" + phone + "' is not a phone number");
    }
    if (name != null && name.length() > 200) throw Problem.badRequest("contact.name must be at most 200 characters");
    if (externalId != null && externalId.length() > 200) throw Problem.badRequest("contact.externalId must be at most 200 characters");
  }

  public boolean identifies() { return email != null || phone != null || externalId != null; }

  public boolean isEmpty() { return !identifies() && name == null; }

  /** The session key a contact implies when the caller gives none: the email, else the phone. */
  public String sessionKey() {
    if (email != null) return "email:" + email.toLowerCase();
    if (phone != null) return "phone:" + phone;
    return null;
  }

  private static String blankToNull(String s) { return s == null || s.isBlank() ? null : s.trim(); }
}
