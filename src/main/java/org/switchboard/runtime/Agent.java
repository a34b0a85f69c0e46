package org.switchboard.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.switchboard.model.Json;
import org.switchboard.model.Message;

/**
 * The agent step: the configured language model answers, calling the step's skills as tools, until it gives an
 * answer or {@code maxSteps} model calls have been made. Without a configured model the step fails; it never
 * pretends to answer.
 */
final class Agent {
  static final int DEFAULT_MAX_STEPS = 5;
  static final int HISTORY = 20;
  private final LanguageModel model;
  private final Steps steps;

  Agent(LanguageModel model, Steps steps) {
    this.model = model;
    this.steps = steps;
  }

  void run(BotRuntime.Run run, JsonNode spec) throws Turn.Failure {
    if (run.in.inline()) throw new Turn.CallsOut();
    LanguageModel.Settings settings = model.settings();
    String modelName = spec.hasNonNull("model") ? spec.get("model").asText() : settings.model();
    if (settings.baseUrl() == null || modelName == null) {
      throw new Turn.Failure("the agent step needs a language model: set SWITCHBOARD_LLM_BASE_URL and SWITCHBOARD_LLM_MODEL"
          + " (or the step's model)");
    }
    int maxSteps = spec.path("maxSteps").asInt(DEFAULT_MAX_STEPS);
    ArrayNode messages = Json.MAPPER.createArrayNode();
    if (spec.hasNonNull("instructions")) {
      messages.addObject().put("role", "system").put("content", Templates.render(spec.get("instructions").asText(), run.context()));
    }
    for (Message m : run.in.history().get()) {
      String role = Message.BOT.equals(m.role()) ? "assistant" : Message.USER.equals(m.role()) ? "user" : null;
      if (role != null) messages.addObject().put("role", role).put("content", content(m));
    }
    String eventText = describeEvent(run.in.scope().path("event"));
    if (eventText != null) messages.addObject().put("role", "user").put("content", eventText);
    ArrayNode tools = tools(run, spec.path("skills"));
    ObjectNode record = Json.object().put("step", "agent").put("model", modelName);
    ArrayNode calls = record.putArray("modelCalls");
    ArrayNode toolCalls = record.putArray("toolCalls");
    run.trace.add(record);
    long promptTokens = 0;
    long completionTokens = 0;
    try {
      for (int i = 0; i < maxSteps; i++) {
        LanguageModel.Reply reply = model.complete(modelName, messages, tools);
        promptTokens += reply.usage().path("prompt_tokens").asLong(0);
        completionTokens += reply.usage().path("completion_tokens").asLong(0);
        ObjectNode call = calls.addObject().put("durationMs", reply.durationMs());
        call.set("usage", reply.usage().isMissingNode() ? Json.object() : reply.usage());
        JsonNode requested = reply.message().path("tool_calls");
        if (requested.isArray() && !requested.isEmpty()) {
          ObjectNode assistant = messages.addObject().put("role", "assistant");
          assistant.set("content", reply.message().path("content").isTextual() ? reply.message().get("content") : Json.MAPPER.nullNode());
          assistant.set("tool_calls", requested);
          for (JsonNode tc : requested) messages.add(runTool(run, tc, toolCalls));
          continue;
        }
        String answer = reply.message().path("content").asText("");
        if (!answer.isBlank()) run.say("text", Json.object().put("text", answer));
        return;
      }
      throw new Turn.Failure("the agent gave no answer within maxSteps (" + maxSteps + ") model calls");
    } catch (LanguageModel.Failed e) {
      record.put("error", e.getMessage());
      throw new Turn.Failure(e.getMessage());
    } finally {
      record.putObject("usage").put("promptTokens", promptTokens).put("completionTokens", completionTokens)
          .put("totalTokens", promptTokens + completionTokens);
    }
  }

  /** Runs one tool call; a failing skill is reported to the model, which may try something else. */
  private ObjectNode runTool(BotRuntime.Run run, JsonNode call, ArrayNode record) {
    String name = call.path("function").path("name").asText();
    String id = call.path("id").asText();
    ObjectNode entry = record.addObject().put("id", id).put("skill", name);
    String content;
    try {
      if (!run.flow().path("skills").has(name)) throw new Turn.Failure("no skill named '" + name + "'");
      JsonNode input = Json.MAPPER.readTree(call.path("function").path("arguments").asText("{}"));
      entry.set("input", input);
      JsonNode result = steps.skill(run, name, input);
      entry.put("status", result.path("status").asInt());
      content = Json.write(result.path("body"));
    } catch (Turn.Failure e) {
      entry.put("error", e.getMessage());
      content = Json.write(Json.object().put("error", e.getMessage()));
    } catch (java.io.IOException e) {
      entry.put("error", "arguments are not JSON");
      content = Json.write(Json.object().put("error", "the arguments were not valid JSON"));
    }
    return Json.object().put("role", "tool").put("tool_call_id", id).put("content", content);
  }

  private static ArrayNode tools(BotRuntime.Run run, JsonNode names) {
    ArrayNode tools = Json.MAPPER.createArrayNode();
    for (JsonNode name : names) {
      JsonNode skill = run.flow().path("skills").path(name.asText());
      ObjectNode function = tools.addObject().put("type", "function").putObject("function");
      function.put("name", name.asText()).put("description", skill.path("description").asText(name.asText()));
      function.set("parameters", skill.has("input") ? skill.get("input") : Json.object().put("type", "object"));
    }
    return tools;
  }

  private static String content(Message m) {
    JsonNode text = m.payload().path("text");
    return text.isTextual() ? text.asText() : Json.write(m.payload());
  }

  /** A user message is already in the history; any other event is described to the model. */
  private static String describeEvent(JsonNode event) {
    String type = event.path("type").asText();
    if (type.equals("message")) return null;
    JsonNode payload = event.path("payload");
    StringBuilder text = new StringBuilder("Event '").append(type).append("'");
    if (event.path("trigger").hasNonNull("key")) text.append(" from trigger '").append(event.get("trigger").get("key").asText()).append("'");
    if (payload.has("instruction")) text.append("\nInstruction: ").append(asText(payload.get("instruction")));
    if (payload.has("context")) text.append("\nContext: ").append(Json.write(payload.get("context")));
    text.append("\nPayload: ").append(Json.write(payload));
    return text.toString();
  }

  private static String asText(JsonNode value) { return value.isTextual() ? value.asText() : Json.write(value); }

}
