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

  /** Renders every string inside a JSON value. */
  public static JsonNode renderAll(JsonNode value, JsonNode context) {
    if (value.isTextual()) return Json.tree(render(value.asText(), context));
    if (value.isObject()) {
      var out = Json.object();
      value.fields().forEachRemaining(e -> out.set(e.getKey(), renderAll(e.getValue(), context)));
      return out;
    }
    if (value.isArray()) {
      var out = Json.MAPPER.createArrayNode();
      value.forEach(item -> out.add(renderAll(item, context)));
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
