package org.switchboard.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.switchboard.model.Json;

/**
 * {@code {{ path }}} placeholders. A path is dotted names and [index]es into the context; a missing value renders
 * empty, integers without a decimal point, objects and arrays as JSON.
 */
public final class Templates {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");
  private static final Pattern PATH = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+|\\[\\d+])*");

  private Templates() {}

  /** Returns null when the text is a valid template, else what is wrong. */
  public static String check(String text) {
    Matcher m = PLACEHOLDER.matcher(text);
    int end = 0;
    StringBuilder rest = new StringBuilder();
    while (m.find()) {
      if (!PATH.matcher(m.group(1)).matches()) return "'" + m.group() + "' is not a {{path}} placeholder";
      rest.append(text, end, m.start());
      end = m.end();
    }
    rest.append(text.substring(end));
    if (rest.indexOf("{{") >= 0 || rest.indexOf("}}") >= 0) return "unbalanced {{ }} in '" + text + "'";
    return null;
  }

  public static boolean hasPlaceholders(String text) { return text.contains("{{"); }

  public static String render(String text, JsonNode context) {
    if (!hasPlaceholders(text)) return text;
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(format(resolve(context, m.group(1)))));
    m.appendTail(out);
    return out.toString();
  }

  /** {@link #check} for every string inside a JSON value; null when all are valid. */
  public static String checkAll(JsonNode value) {
    if (value.isTextual()) return check(value.asText());
    for (JsonNode child : value) {
      String problem = checkAll(child);
      if (problem != null) return problem;
    }
    return null;
  }

  /**
   * Renders a JSON template: a string that is exactly one placeholder becomes the value itself, with its JSON
   * type (null when missing); other strings render as text. So values are never spliced into JSON text.
   */
  public static JsonNode renderJson(JsonNode value, JsonNode context) {
    return mapStrings(value, text -> {
      Matcher whole = PLACEHOLDER.matcher(text);
      if (!whole.matches()) return Json.tree(render(text, context));
      JsonNode resolved = resolve(context, whole.group(1));
      return resolved == null ? Json.MAPPER.nullNode() : resolved;
    });
  }

  /** Renders every string inside a JSON value. */
  public static JsonNode renderAll(JsonNode value, JsonNode context) {
    return mapStrings(value, text -> Json.tree(render(text, context)));
  }

  private static JsonNode mapStrings(JsonNode value, java.util.function.Function<String, JsonNode> string) {
    if (value.isTextual()) return string.apply(value.asText());
    if (value.isObject()) {
      var out = Json.object();
      value.fields().forEachRemaining(e -> out.set(e.getKey(), mapStrings(e.getValue(), string)));
      return out;
    }
    if (value.isArray()) {
      var out = Json.MAPPER.createArrayNode();
      value.forEach(item -> out.add(mapStrings(item, string)));
      return out;
    }
    return value;
  }

  public static JsonNode resolve(JsonNode context, String path) {
    JsonNode current = context;
    for (String part : path.split("\\.")) {
      int bracket = part.indexOf('[');
      String name = bracket < 0 ? part : part.substring(0, bracket);
      if (!name.isEmpty()) current = current == null ? null : current.get(name);
      while (bracket >= 0 && current != null) {
        int close = part.indexOf(']', bracket);
        current = current.get(Integer.parseInt(part.substring(bracket + 1, close)));
        bracket = part.indexOf('[', close);
      }
      if (current == null) return null;
    }
    return current;
  }

  static String format(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) return "";
    if (value.isTextual()) return value.asText();
    if (value.isIntegralNumber()) return value.bigIntegerValue().toString();
    if (value.isNumber()) {
      var decimal = value.decimalValue().stripTrailingZeros();
      return decimal.scale() <= 0 ? decimal.toBigInteger().toString() : decimal.toPlainString();
    }
    if (value.isValueNode()) return value.asText();
    return Json.write(value);
  }
}
