package org.switchboard.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A failure that a client caused or may see. It carries the RFC 9457 fields; the HTTP layer renders it and
 * dialects translate it into their own error shapes. Core code throws it without knowing about HTTP.
 */
public class Problem extends RuntimeException {
  public record FieldError(String path, String message, Integer line) {
    public FieldError(String path, String message) { this(path, message, null); }
  }

  private final int status;
  private final String title;
  private final List<FieldError> errors;
  private final Map<String, Object> extensions = new LinkedHashMap<>();

  public Problem(int status, String title, String detail) {
    this(status, title, detail, List.of());
  }

  public Problem(int status, String title, String detail, List<FieldError> errors) {
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
    this.errors = List.copyOf(errors);
  }

  public Problem with(String key, Object value) {
    extensions.put(key, value);
    return this;
  }

  public int status() { return status; }
  public String title() { return title; }
  public String detail() { return getMessage(); }
  public List<FieldError> errors() { return errors; }
  public Map<String, Object> extensions() { return extensions; }

  public static Problem badRequest(String detail) { return new Problem(400, "Bad request", detail); }
  public static Problem unauthorized(String detail) { return new Problem(401, "Unauthorized", detail); }
  public static Problem forbidden(String detail) { return new Problem(403, "Forbidden", detail); }
  public static Problem notFound(String what) { return new Problem(404, "Not found", what + " was not found"); }
  public static Problem conflict(String detail) { return new Problem(409, "Conflict", detail); }
  public static Problem invalid(String detail, List<FieldError> errors) {
    return new Problem(422, "Validation failed", detail, errors);
  }
  public static Problem invalid(String path, String message) {
    return invalid(path + ": " + message, List.of(new FieldError(path, message)));
  }
}
