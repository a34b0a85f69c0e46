package org.switchboard.ui;

import static org.switchboard.ui.Html.esc;

import com.fasterxml.jackson.databind.JsonNode;

/** A message rendered by its type (bot-flow.md's payloads): text, cards, carousels, choices, media, locations. */
final class Messages {
  private Messages() {}

  static String render(String type, JsonNode p) {
    return switch (type) {
      case "text" -> "<p>" + esc(p.path("text").asText()) + "</p>";
      case "markdown" -> "<pre>" + esc(p.path("markdown").asText()) + "</pre>";
      case "image" -> "<img src=\"" + esc(safeUrl(p.path("imageUrl").asText())) + "\" alt=\"" + esc(p.path("title").asText("image"))
          + "\" loading=\"lazy\" referrerpolicy=\"no-referrer\">";
      case "audio", "video", "file" -> "<p>" + esc(type) + ": " + Html.link(safeUrl(p.path(type + "Url").asText()),
          p.path("title").asText(p.path(type + "Url").asText())) + "</p>";
      case "location" -> "<p>📍 " + esc(p.path("title").asText("")) + " " + esc(p.path("address").asText(""))
          + " <small>(" + esc(p.path("latitude").asText()) + ", " + esc(p.path("longitude").asText()) + ")</small></p>";
      case "card" -> card(p);
      case "carousel" -> {
        StringBuilder out = new StringBuilder("<div class=\"carousel\">");
        for (JsonNode item : p.path("items")) out.append(card(item));
        yield out.append("</div>").toString();
      }
      case "choice", "dropdown" -> {
        StringBuilder out = new StringBuilder("<p>").append(esc(p.path("text").asText())).append("</p><div class=\"choices\">");
        for (JsonNode o : p.path("options")) out.append("<span title=\"").append(esc(o.path("value").asText())).append("\">")
            .append(esc(o.path("label").asText())).append("</span>");
        yield out.append("</div>").toString();
      }
      default -> "<pre>" + esc(p.toPrettyString()) + "</pre>";
    };
  }

  private static String card(JsonNode c) {
    StringBuilder out = new StringBuilder("<div class=\"msg-card\">");
    if (c.hasNonNull("imageUrl")) {
      out.append("<img src=\"").append(esc(safeUrl(c.get("imageUrl").asText()))).append("\" alt=\"\" loading=\"lazy\" referrerpolicy=\"no-referrer\">");
    }
    out.append("<strong>").append(esc(c.path("title").asText())).append("</strong>");
    if (c.hasNonNull("subtitle")) out.append("<br><small>").append(esc(c.get("subtitle").asText())).append("</small>");
    out.append("<div class=\"choices\">");
    for (JsonNode a : c.path("actions")) {
      if ("url".equals(a.path("action").asText())) out.append(Html.link(safeUrl(a.path("value").asText()), a.path("label").asText()));
      else out.append("<span title=\"").append(esc(a.path("value").asText())).append("\">").append(esc(a.path("label").asText())).append("</span>");
    }
    return out.append("</div></div>").toString();
  }

  /** Only web links become links or images; a javascript: URL from a message must not run in the dashboard. */
  static String safeUrl(String url) {
    return url != null && (url.startsWith("https://") || url.startsWith("http://")) ? url : "#";
  }
}
