package org.switchboard.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.switchboard.model.Problem;
import org.switchboard.model.Problem.FieldError;

/** Reads typed fields from a JSON request body, collecting every problem before failing with one 422. */
public final class Fields {
  private final JsonNode body;
  private final List<FieldError> errors = new ArrayList<>();

  public Fields(JsonNode body) {
    if (body == null || !body.isObject()) throw Problem.badRequest("the body must be a JSON object");
    this.body = body;
  }

  public boolean has(String name) { return body.has(name); }

  public JsonNode raw(String name) { return body.get(name); }

  public String text(String name, boolean required, int maxLength) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) {
      if (required) error(name, "is required");
      return null;
    }
    if (!v.isTextual()) return error(name, "must be a string");
    String s = v.asText().trim();
    if (required && s.isEmpty()) return error(name, "must not be empty");
    if (s.length() > maxLength) return error(name, "must be at most " + maxLength + " characters");
    return s;
  }

  public Boolean bool(String name) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) return null;
    if (!v.isBoolean()) {
      error(name, "must be true or false");
      return null;
    }
    return v.booleanValue();
  }

  public Long number(String name, long min, long max) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) return null;
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
      error(name, "must be a whole number from " + min + " to " + max);
      return null;
    }
    return v.longValue();
  }

  public JsonNode object(String name) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) return null;
    if (!v.isObject()) {
      error(name, "must be an object");
      return null;
    }
    return v;
  }

  /** Records a problem once: a field checked twice (typed, then required) is reported once. */
  public <T> T error(String path, String message) {
    FieldError e = new FieldError(path, message);
    if (!errors.contains(e)) errors.add(e);
    return null;
  }

  /** Throws the collected problems, if any, as one 422. */
  public void check() {
    if (errors.isEmpty()) return;
    String detail = errors.size() == 1 ? errors.get(0).path() + " " + errors.get(0).message()
        : errors.size() + " fields are invalid";
    throw Problem.invalid(detail, errors);
  }
}
