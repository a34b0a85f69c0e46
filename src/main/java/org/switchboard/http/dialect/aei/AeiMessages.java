package org.switchboard.http.dialect.aei;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.switchboard.model.Json;

/** A Switchboard bot message as AEI's WebSocket shows it: {@code {text, buttons: [{text, key}], link}}. */
final class AeiMessages {
  private AeiMessages() {}

  static ObjectNode botMessage(JsonNode message) {
    String type = message.path("type").asText();
    JsonNode p = message.path("payload");
    ObjectNode out = Json.object();
    ArrayNode buttons = Json.MAPPER.createArrayNode();
    String link = null;
    switch (type) {
      case "text" -> out.put("text", p.path("text").asText(""));
      case "markdown" -> out.put("text", p.path("markdown").asText(""));
      case "choice", "dropdown" -> {
        out.put("text", p.path("text").asText(""));
        for (JsonNode o : p.path("options")) buttons.addObject().put("text", o.path("label").asText()).put("key", o.path("value").asText());
      }
      case "card" -> link = card(p, out, buttons);
      case "carousel" -> {
        StringBuilder titles = new StringBuilder();
        for (JsonNode item : p.path("items")) {
          ObjectNode one = Json.object();
          String itemLink = card(item, one, buttons);
          if (link == null) link = itemLink;
          titles.append(titles.isEmpty() ? "" : "\n").append(one.path("text").asText());
        }
        out.put("text", titles.toString());
      }
      case "image", "audio", "video", "file" -> {
        link = p.path(type + "Url").asText(null);
        out.put("text", p.path("title").asText(link == null ? "" : link));
      }
      case "location" -> out.put("text", p.path("address").asText(p.path("latitude").asText() + "," + p.path("longitude").asText()));
      default -> out.put("text", p.path("text").asText(""));
    }
    out.set("buttons", buttons);
    out.put("link", link);
    return out;
  }

  /** A card's title (and subtitle) as text, its postback and say actions as buttons; returns its first URL action. */
  private static String card(JsonNode card, ObjectNode out, ArrayNode buttons) {
    String text = card.path("title").asText("");
    if (card.hasNonNull("subtitle")) text += "\n" + card.get("subtitle").asText();
    out.put("text", text);
    String link = null;
    for (JsonNode a : card.path("actions")) {
      if ("url".equals(a.path("action").asText())) {
        if (link == null) link = a.path("value").asText(null);
      } else {
        buttons.addObject().put("text", a.path("label").asText()).put("key", a.path("value").asText());
      }
    }
    return link;
  }
}
