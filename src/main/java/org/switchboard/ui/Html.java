package org.switchboard.ui;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** HTML escaping and the few building blocks every page uses. Every value from data goes through {@link #esc}. */
final class Html {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private Html() {}

  static String esc(Object value) {
    if (value == null) return "";
    String s = value.toString();
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  static String time(Long epochMs) { return epochMs == null ? "" : TIME.format(Instant.ofEpochMilli(epochMs)) + " UTC"; }

  static String badge(String status) {
    return "<span class=\"badge " + esc(status) + "\">" + esc(status) + "</span>";
  }

  /** A POST form with the CSRF token; {@code fields} is raw HTML built from escaped parts. */
  static String form(String action, String csrf, String fields, String button, String cls) {
    return "<form method=\"post\" action=\"" + esc(action) + "\" class=\"" + esc(cls) + "\">"
        + "<input type=\"hidden\" name=\"_csrf\" value=\"" + esc(csrf) + "\">" + fields
        + "<button type=\"submit\">" + esc(button) + "</button></form>";
  }

  static String input(String label, String name, Object value, String type, String hint) {
    return "<label>" + esc(label) + "<input type=\"" + esc(type) + "\" name=\"" + esc(name) + "\" value=\""
        + esc(value) + "\">" + (hint == null ? "" : "<small>" + esc(hint) + "</small>") + "</label>";
  }

  static String checkbox(String label, String name, boolean checked) {
    return "<label class=\"check\"><input type=\"checkbox\" name=\"" + esc(name) + "\" value=\"true\""
        + (checked ? " checked" : "") + ">" + esc(label) + "</label>";
  }

  static String textarea(String label, String name, Object value, int rows) {
    return "<label>" + esc(label) + "<textarea name=\"" + esc(name) + "\" rows=\"" + rows + "\" spellcheck=\"false\">"
        + esc(value) + "</textarea></label>";
  }

  static String select(String label, String name, Map<String, String> options, String selected) {
    StringBuilder out = new StringBuilder("<label>").append(esc(label)).append("<select name=\"").append(esc(name)).append("\">");
    options.forEach((value, text) -> out.append("<option value=\"").append(esc(value)).append('"')
        .append(value.equals(selected) ? " selected" : "").append('>').append(esc(text)).append("</option>"));
    return out.append("</select></label>").toString();
  }

  static String link(String href, Object text) { return "<a href=\"" + esc(href) + "\">" + esc(text) + "</a>"; }

  /** A value with a button that copies it. */
  static String copyable(String value) {
    return "<span class=\"copy\"><code>" + esc(value) + "</code><button type=\"button\" data-copy=\"" + esc(value)
        + "\">Copy</button></span>";
  }

  static String pre(Object text) { return "<pre>" + esc(text) + "</pre>"; }
}
