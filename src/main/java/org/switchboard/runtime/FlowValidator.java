package org.switchboard.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.switchboard.model.Problem.FieldError;

/** Checks a flow document against bot-flow.md: keys, node references, expressions, templates, durations. */
final class FlowValidator {
  private static final Set<String> TOP = Set.of("name", "description", "variables", "on", "nodes", "skills");
  private static final Set<String> ENTRY = Set.of("start", "message", "trigger", "default");
  private static final Map<String, Set<String>> STEP_KEYS = Map.ofEntries(
      Map.entry("say", Set.of()),
      Map.entry("ask", Set.of("into", "match", "choices", "retry", "attempts", "timeout")),
      Map.entry("set", Set.of()),
      Map.entry("if", Set.of("then", "else")),
      Map.entry("switch", Set.of("cases", "default")),
      Map.entry("goto", Set.of()),
      Map.entry("http", Set.of()),
      Map.entry("skill", Set.of("input", "into")),
      Map.entry("agent", Set.of()),
      Map.entry("emit", Set.of()),
      Map.entry("wait", Set.of()),
      Map.entry("handoff", Set.of()),
      Map.entry("end", Set.of()));
  private static final Map<String, List<String>> MESSAGE_REQUIRED = Map.ofEntries(
      Map.entry("text", List.of("text")), Map.entry("markdown", List.of("markdown")),
      Map.entry("image", List.of("imageUrl")), Map.entry("audio", List.of("audioUrl")),
      Map.entry("video", List.of("videoUrl")), Map.entry("file", List.of("fileUrl")),
      Map.entry("location", List.of("latitude", "longitude")), Map.entry("card", List.of("title")),
      Map.entry("carousel", List.of("items")), Map.entry("choice", List.of("text", "options")),
      Map.entry("dropdown", List.of("text", "options")));
  private static final Set<String> HTTP_KEYS = Set.of("method", "url", "headers", "body", "into", "timeout", "onError");
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD");

  private final JsonNode doc;
  private final List<FieldError> errors = new ArrayList<>();
  private final JsonNode nodes;

  FlowValidator(JsonNode doc) {
    this.doc = doc;
    this.nodes = doc.path("nodes");
  }

  List<FieldError> validate() {
    for (String key : FlowDocument.names(doc)) if (!TOP.contains(key)) error(key, "unknown key '" + key + "'");
    if (doc.has("name") && !doc.get("name").isTextual()) error("name", "must be a string");
    if (doc.has("variables") && !doc.get("variables").isObject()) error("variables", "must be an object");
    if (!nodes.isObject() || nodes.isEmpty()) {
      error("nodes", "must be an object with at least one node");
    } else {
      for (String name : FlowDocument.names(nodes)) {
        JsonNode steps = nodes.get(name);
        if (!steps.isArray()) error("nodes." + name, "a node is a list of steps");
        else steps(steps, "nodes." + name);
      }
    }
    entryPoints();
    skills();
    return errors;
  }

  private void entryPoints() {
    JsonNode on = doc.path("on");
    if (!on.isObject() || on.isEmpty()) {
      error("on", "must name at least one entry point (start, message, trigger or default)");
      return;
    }
    for (String key : FlowDocument.names(on)) {
      String path = "on." + key;
      if (!ENTRY.contains(key)) {
        error(path, "unknown entry point '" + key + "'");
      } else if (key.equals("trigger")) {
        JsonNode triggers = on.get(key);
        if (!triggers.isObject()) error(path, "must map trigger keys (or \"*\") to nodes");
        else triggers.fields().forEachRemaining(e -> nodeRef(e.getValue(), path + "." + e.getKey()));
      } else {
        nodeRef(on.get(key), path);
      }
    }
  }

  private void skills() {
    JsonNode skills = doc.path("skills");
    if (skills.isMissingNode()) return;
    if (!skills.isObject()) {
      error("skills", "must be an object of named skills");
      return;
    }
    skills.fields().forEachRemaining(e -> {
      String path = "skills." + e.getKey();
      JsonNode skill = e.getValue();
      if (!e.getKey().matches("[A-Za-z0-9_-]{1,64}")) error(path, "a skill name is 1 to 64 letters, digits, '_' or '-'");
      if (!skill.isObject()) {
        error(path, "a skill is an object with description, input and http");
        return;
      }
      for (String key : FlowDocument.names(skill)) {
        if (!Set.of("description", "input", "http").contains(key)) error(path + "." + key, "unknown key '" + key + "'");
      }
      if (skill.has("input")) {
        if (!skill.get("input").isObject()) error(path + ".input", "must be a JSON Schema object");
        else for (String problem : Schemas.checkSchema(skill.get("input"))) error(path + ".input", "not a valid JSON Schema: " + problem);
      }
      if (!skill.has("http")) error(path + ".http", "a skill needs an http call");
      else http(skill.get("http"), path + ".http");
    });
  }

  private void steps(JsonNode steps, String path) {
    for (int i = 0; i < steps.size(); i++) step(steps.get(i), path + "[" + i + "]");
  }

  private void step(JsonNode step, String path) {
    if (!step.isObject()) {
      error(path, "a step is an object such as {say: ...}");
      return;
    }
    String kind = null;
    for (String key : FlowDocument.names(step)) {
      if (STEP_KEYS.containsKey(key)) {
        if (kind != null) error(path, "a step has one kind; found '" + kind + "' and '" + key + "'");
        else kind = key;
      }
    }
    if (kind == null) {
      error(path, "unknown step; expected one of " + new java.util.TreeSet<>(STEP_KEYS.keySet()));
      return;
    }
    Set<String> allowed = STEP_KEYS.get(kind);
    for (String key : FlowDocument.names(step)) {
      if (!key.equals(kind) && !allowed.contains(key)) error(path + "." + key, "unknown key '" + key + "' in a " + kind + " step");
    }
    JsonNode value = step.get(kind);
    String p = path + "." + kind;
    switch (kind) {
      case "say" -> message(value, p);
      case "ask" -> ask(step, path);
      case "set" -> {
        if (!value.isObject() || value.isEmpty()) error(p, "must map variable names to CEL expressions");
        else value.fields().forEachRemaining(e -> expression(e.getValue(), p + "." + e.getKey()));
      }
      case "if" -> {
        expression(value, p);
        if (!step.has("then")) error(path + ".then", "an if step needs then: [steps]");
        stepList(step.get("then"), path + ".then");
        stepList(step.get("else"), path + ".else");
      }
      case "switch" -> {
        expression(value, p);
        JsonNode cases = step.get("cases");
        if (cases == null || !cases.isObject()) error(path + ".cases", "a switch step needs cases: {value: [steps]}");
        else cases.fields().forEachRemaining(e -> stepList(e.getValue(), path + ".cases." + e.getKey()));
        stepList(step.get("default"), path + ".default");
      }
      case "goto" -> nodeRef(value, p);
      case "http" -> http(value, p);
      case "skill" -> {
        if (!value.isTextual() || !doc.path("skills").has(value.asText())) error(p, "no skill named '" + value.asText() + "'");
        if (step.has("input")) templatesIn(step.get("input"), path + ".input");
        if (step.has("into")) variableName(step.get("into"), path + ".into");
      }
      case "agent" -> agent(value, p);
      case "emit" -> {
        if (!value.isObject() || !value.path("topic").isTextual()) error(p + ".topic", "an emit step needs a topic");
        else if (!value.get("topic").asText().matches("[A-Za-z0-9_.-]+")) error(p + ".topic", "a topic is letters, digits, '.', '_' and '-'");
        if (value.has("data")) templatesIn(value.get("data"), p + ".data");
      }
      case "wait" -> duration(value, p);
      case "handoff" -> text(value, p);
      case "end" -> {
        if (!value.isBoolean()) error(p, "must be true");
      }
      default -> throw new IllegalStateException(kind);
    }
  }

  private void ask(JsonNode step, String path) {
    text(step.get("ask"), path + ".ask");
    if (!step.has("into")) error(path + ".into", "an ask step needs into: <variable>");
    else variableName(step.get("into"), path + ".into");
    if (step.has("match")) {
      try {
        java.util.regex.Pattern.compile(step.get("match").asText());
      } catch (java.util.regex.PatternSyntaxException e) {
        error(path + ".match", "not a regular expression: " + e.getDescription());
      }
    }
    if (step.has("choices") && !step.get("choices").isArray()) error(path + ".choices", "must be a list");
    if (step.has("retry")) text(step.get("retry"), path + ".retry");
    if (step.has("attempts") && !(step.get("attempts").isInt() && step.get("attempts").asInt() > 0)) {
      error(path + ".attempts", "must be a positive whole number");
    }
    if (step.has("timeout")) {
      JsonNode timeout = step.get("timeout");
      if (!timeout.isObject()) {
        error(path + ".timeout", "must be {after, goto}");
      } else {
        duration(timeout.get("after"), path + ".timeout.after");
        nodeRef(timeout.get("goto"), path + ".timeout.goto");
      }
    }
  }

  private void agent(JsonNode value, String p) {
    if (!value.isObject()) {
      error(p, "must be {instructions, skills, model?, maxSteps?}");
      return;
    }
    for (String key : FlowDocument.names(value)) {
      if (!Set.of("instructions", "skills", "model", "maxSteps").contains(key)) error(p + "." + key, "unknown key '" + key + "'");
    }
    if (value.has("instructions")) text(value.get("instructions"), p + ".instructions");
    JsonNode skills = value.path("skills");
    if (!skills.isMissingNode()) {
      if (!skills.isArray()) error(p + ".skills", "must be a list of skill names");
      else for (int i = 0; i < skills.size(); i++) {
        if (!doc.path("skills").has(skills.get(i).asText())) error(p + ".skills[" + i + "]", "no skill named '" + skills.get(i).asText() + "'");
      }
    }
    if (value.has("maxSteps") && !(value.get("maxSteps").isInt() && value.get("maxSteps").asInt() > 0)) {
      error(p + ".maxSteps", "must be a positive whole number");
    }
  }

  private void http(JsonNode value, String p) {
    if (!value.isObject()) {
      error(p, "must be {method, url, ...}");
      return;
    }
    for (String key : FlowDocument.names(value)) if (!HTTP_KEYS.contains(key)) error(p + "." + key, "unknown key '" + key + "'");
    String method = value.path("method").asText("GET").toUpperCase();
    if (!METHODS.contains(method)) error(p + ".method", "must be one of " + METHODS);
    if (!value.path("url").isTextual()) error(p + ".url", "a url is required");
    else text(value.get("url"), p + ".url");
    if (value.has("headers")) templatesIn(value.get("headers"), p + ".headers");
    if (value.has("body")) templatesIn(value.get("body"), p + ".body");
    if (value.has("into")) variableName(value.get("into"), p + ".into");
    if (value.has("timeout")) duration(value.get("timeout"), p + ".timeout");
    if (value.has("onError")) nodeRef(value.get("onError"), p + ".onError");
  }

  private void message(JsonNode value, String p) {
    if (value == null || value.isNull()) {
      error(p, "a message is required");
    } else if (value.isTextual()) {
      text(value, p);
    } else if (!value.isObject()) {
      error(p, "a message is a string or {type, ...}");
    } else {
      String type = value.path("type").asText("");
      List<String> required = MESSAGE_REQUIRED.get(type);
      if (required == null) {
        error(p + ".type", "unknown message type '" + type + "'; expected one of " + new java.util.TreeSet<>(MESSAGE_REQUIRED.keySet()));
        return;
      }
      for (String field : required) if (!value.has(field)) error(p + "." + field, "a " + type + " message needs " + field);
      templatesIn(value, p);
    }
  }

  private void stepList(JsonNode list, String p) {
    if (list == null) return;
    if (!list.isArray()) error(p, "must be a list of steps");
    else steps(list, p);
  }

  private void nodeRef(JsonNode value, String p) {
    if (value == null || !value.isTextual()) error(p, "must name a node");
    else if (!nodes.has(value.asText())) error(p, "no node named '" + value.asText() + "'");
  }

  private void expression(JsonNode value, String p) {
    if (value == null || !(value.isTextual() || value.isValueNode())) {
      error(p, "must be a CEL expression");
      return;
    }
    String problem = Expressions.check(Expressions.Scope.FLOW, value.asText());
    if (problem != null) error(p, "invalid CEL: " + problem.lines().findFirst().orElse(problem));
  }

  private void duration(JsonNode value, String p) {
    if (value == null || !Durations.valid(value.asText(null))) error(p, "must be a duration like 500ms, 30s, 10m, 2h or 1d");
  }

  private void variableName(JsonNode value, String p) {
    if (value == null || !value.isTextual() || !value.asText().matches("[A-Za-z_][A-Za-z0-9_]*")) {
      error(p, "must be a variable name");
    }
  }

  private void text(JsonNode value, String p) {
    if (value == null || !value.isTextual()) {
      error(p, "must be a string");
      return;
    }
    String problem = Templates.check(value.asText());
    if (problem != null) error(p, problem);
  }

  private void templatesIn(JsonNode value, String p) {
    if (value.isTextual()) text(value, p);
    else if (value.isObject()) value.fields().forEachRemaining(e -> templatesIn(e.getValue(), p + "." + e.getKey()));
    else if (value.isArray()) for (int i = 0; i < value.size(); i++) templatesIn(value.get(i), p + "[" + i + "]");
  }

  private void error(String path, String message) { errors.add(new FieldError(path, message)); }
}
