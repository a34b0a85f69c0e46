package org.switchboard.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.switchboard.model.Conversation;
import org.switchboard.model.Json;

/** What each step of bot-flow.md does. */
final class Steps {
  private final Outbound outbound;
  private final Agent agent;

  Steps(Outbound outbound, LanguageModel model) {
    this.outbound = outbound;
    this.agent = new Agent(model, this);
  }

  void run(BotRuntime.Run run, JsonNode step, String at) throws Turn.Failure {
    if (step.has("say")) {
      say(run, step.get("say"));
    } else if (step.has("ask")) {
      new Asks(run).ask(step);
    } else if (step.has("set")) {
      // Every value is computed from the variables as they were before the step, then all are assigned.
      ObjectNode context = run.context().deepCopy();
      Map<String, JsonNode> values = new LinkedHashMap<>();
      for (var it = step.get("set").fields(); it.hasNext(); ) {
        var e = it.next();
        values.put(e.getKey(), Expressions.toJson(run.evaluate(e.getValue().asText(), context)));
      }
      values.forEach(run.vars::set);
    } else if (step.has("if")) {
      Object result = run.evaluate(step.get("if").asText(), run.context());
      if (!(result instanceof Boolean yes)) throw new Turn.Failure("the condition '" + step.get("if").asText() + "' did not give true or false");
      run.push(at + (yes ? "/then" : "/else"), yes ? step.get("then") : step.get("else"));
    } else if (step.has("switch")) {
      String value = Templates.format(Expressions.toJson(run.evaluate(step.get("switch").asText(), run.context())));
      JsonNode cases = step.path("cases");
      if (cases.has(value)) run.push(at + "/cases/" + BotRuntime.escape(value), cases.get(value));
      else run.push(at + "/default", step.get("default"));
    } else if (step.has("goto")) {
      run.jump(step.get("goto").asText());
    } else if (step.has("http")) {
      http(run, step.get("http"), run.context(), "http", null);
    } else if (step.has("skill")) {
      String name = step.get("skill").asText();
      JsonNode input = step.has("input") ? Templates.renderAll(step.get("input"), run.context()) : Json.object();
      JsonNode result = skill(run, name, input);
      if (step.has("into")) run.vars.set(step.get("into").asText(), result);
    } else if (step.has("agent")) {
      agent.run(run, step.get("agent"));
    } else if (step.has("emit")) {
      JsonNode emit = step.get("emit");
      String topic = "custom." + emit.get("topic").asText();
      JsonNode data = emit.has("data") ? Templates.renderAll(emit.get("data"), run.context()) : Json.object();
      run.emits.add(new Turn.Emit(topic, data));
      ObjectNode entry = Json.object().put("step", "emit").put("topic", topic);
      entry.set("data", data);
      run.trace.add(entry);
    } else if (step.has("wait")) {
      Duration duration = Durations.parse(step.get("wait").asText());
      String timerId = run.timer("wait", run.now() + duration.toMillis());
      ObjectNode paused = run.state.putObject("paused");
      paused.set("pointer", run.pointer());
      paused.put("timerId", timerId);
      run.trace.add(Json.object().put("step", "wait").put("ms", duration.toMillis()));
      run.stop();
    } else if (step.has("handoff")) {
      say(run, step.get("handoff"));
      run.status = Conversation.HANDOFF;
      run.trace.add(Json.object().put("step", "handoff"));
      run.stop();
    } else if (step.has("end")) {
      run.status = Conversation.ENDED;
      run.trace.add(Json.object().put("step", "end"));
      run.stop();
    } else {
      throw new Turn.Failure("unknown step at " + at);
    }
  }

  /** A plain string is a text message; an object is {type, ...payload}. */
  static void say(BotRuntime.Run run, JsonNode value) {
    JsonNode context = run.context();
    if (value.isTextual()) {
      run.say("text", Json.object().put("text", Templates.render(value.asText(), context)));
      return;
    }
    ObjectNode payload = (ObjectNode) Templates.renderAll(value, context);
    String type = payload.path("type").asText("text");
    payload.remove("type");
    run.say(type, payload);
  }

  /** Runs an http spec; stores the result in vars and follows onError on failure. Returns the result JSON. */
  JsonNode http(BotRuntime.Run run, JsonNode spec, JsonNode context, String kind, String skillName) throws Turn.Failure {
    if (run.in.inline()) throw new Turn.CallsOut();
    String method = spec.path("method").asText("GET").toUpperCase();
    String url = Templates.render(spec.path("url").asText(), context);
    Map<String, String> headers = new LinkedHashMap<>();
    spec.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), Templates.render(h.getValue().asText(), context)));
    JsonNode body = spec.has("body") ? Templates.renderAll(spec.get("body"), context) : null;
    Duration timeout = spec.has("timeout") ? Durations.parse(spec.get("timeout").asText()) : Outbound.DEFAULT_TIMEOUT;
    ObjectNode record = Json.object().put("step", kind);
    if (skillName != null) record.put("skill", skillName);
    record.put("method", method).put("url", url);
    run.trace.add(record);
    Outbound.Result result = null;
    String error = null;
    try {
      result = outbound.call(method, url, headers, body, timeout);
      if (!result.ok()) error = method + " " + url + " answered " + result.status();
    } catch (Outbound.CallFailed e) {
      error = e.getMessage();
    }
    JsonNode json = result == null ? Json.object().putNull("status") : result.json();
    if (result != null) record.put("status", result.status()).put("durationMs", result.durationMs());
    if (spec.has("into")) run.vars.set(spec.get("into").asText(), json);
    if (error != null) {
      record.put("error", error);
      if (spec.hasNonNull("onError")) {
        run.jump(spec.get("onError").asText());
      } else {
        throw new Turn.Failure(error);
      }
    }
    return json;
  }

  /** Validates the input against the skill's schema and runs its http call with {@code input} in scope. */
  JsonNode skill(BotRuntime.Run run, String name, JsonNode input) throws Turn.Failure {
    JsonNode skill = run.flow().path("skills").path(name);
    if (!skill.isObject()) throw new Turn.Failure("no skill named '" + name + "'");
    if (skill.has("input")) {
      List<String> problems = Schemas.validate(skill.get("input"), input);
      if (!problems.isEmpty()) throw new Turn.Failure("input of skill '" + name + "' is invalid: " + String.join("; ", problems));
    }
    ObjectNode context = run.context();
    context.set("input", input);
    return http(run, skill.get("http"), context, "skill", name);
  }
}
