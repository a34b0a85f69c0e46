package org.switchboard.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.switchboard.model.Conversation;
import org.switchboard.model.Json;

/**
 * Interprets a flow document for one event: picks the entry point, runs its steps in order and collects the
 * messages. Steps that call out (ask, http, skill, agent, emit, wait) arrive with the runtime issue; until then a
 * flow that reaches one fails its event with a clear error rather than pretending.
 */
public final class BotRuntime {
  public static final int STEP_LIMIT = 1000;

  public Turn.Output run(Turn.Input in) throws Turn.Failure {
    return new Run(in).execute();
  }

  private static final class Run {
    private final Turn.Input in;
    private final ObjectNode vars;
    private final ObjectNode state;
    private final List<Turn.OutMessage> messages = new ArrayList<>();
    private final List<JsonNode> trace = new ArrayList<>();
    private String status = Conversation.ACTIVE;
    private int steps;
    private boolean stopped;

    Run(Turn.Input in) {
      this.in = in;
      this.vars = in.variables().deepCopy();
      this.state = in.state().deepCopy();
    }

    Turn.Output execute() throws Turn.Failure {
      JsonNode on = in.flow().path("on");
      if (in.firstEvent() && on.hasNonNull("start")) runNode(on.get("start").asText());
      String entry = entryPoint(on);
      if (entry != null && !stopped) runNode(entry);
      return new Turn.Output(messages, vars, state, status, trace);
    }

    private String entryPoint(JsonNode on) {
      String node = switch (in.eventType()) {
        case "trigger", "schedule" -> {
          JsonNode triggers = on.path("trigger");
          JsonNode byKey = in.triggerKey() == null ? null : triggerEntry(triggers, in.triggerKey());
          yield byKey != null ? byKey.asText() : triggers.path("*").asText(null);
        }
        case "message" -> on.path("message").asText(null);
        default -> null;
      };
      return node != null ? node : on.path("default").asText(null);
    }

    private static JsonNode triggerEntry(JsonNode triggers, String key) {
      var fields = triggers.fields();
      while (fields.hasNext()) {
        var e = fields.next();
        if (e.getKey().equalsIgnoreCase(key)) return e.getValue();
      }
      return null;
    }

    private void runNode(String name) throws Turn.Failure {
      String current = name;
      while (current != null && !stopped) {
        JsonNode steps = in.flow().path("nodes").path(current);
        if (!steps.isArray()) throw new Turn.Failure("the flow has no node '" + current + "'");
        trace.add(Json.tree(Map.of("node", current)));
        current = runSteps(steps, current);
      }
    }

    /** Runs steps; returns the node a goto leads to, or null when the steps ran out. */
    private String runSteps(JsonNode steps, String node) throws Turn.Failure {
      for (JsonNode step : steps) {
        if (stopped) return null;
        if (++this.steps > STEP_LIMIT) {
          throw new Turn.Failure("loop guard: the event ran more than " + STEP_LIMIT + " steps (last node '" + node + "')");
        }
        String next = runStep(step, node);
        if (next != null) return next;
      }
      return null;
    }

    private String runStep(JsonNode step, String node) throws Turn.Failure {
      if (step.has("say")) {
        say(step.get("say"));
      } else if (step.has("goto")) {
        return step.get("goto").asText();
      } else if (step.has("set")) {
        var fields = step.get("set").fields();
        while (fields.hasNext()) {
          var e = fields.next();
          vars.set(e.getKey(), Expressions.toJson(evaluate(e.getValue().asText())));
        }
      } else if (step.has("if")) {
        boolean yes = condition(step.get("if").asText());
        JsonNode branch = yes ? step.get("then") : step.get("else");
        if (branch != null) return runSteps(branch, node);
      } else if (step.has("switch")) {
        String value = Templates.format(Expressions.toJson(evaluate(step.get("switch").asText())));
        JsonNode branch = step.path("cases").has(value) ? step.path("cases").get(value) : step.get("default");
        if (branch != null) return runSteps(branch, node);
      } else if (step.has("handoff")) {
        say(step.get("handoff"));
        status = Conversation.HANDOFF;
        stopped = true;
      } else if (step.has("end")) {
        status = Conversation.ENDED;
        stopped = true;
      } else {
        String kind = step.fieldNames().next();
        throw new Turn.Failure("the '" + kind + "' step (node '" + node + "') is not available in this version of Switchboard");
      }
      return null;
    }

    private void say(JsonNode value) {
      JsonNode context = context();
      ObjectNode payload;
      String type;
      if (value.isTextual()) {
        type = "text";
        payload = Json.object().put("text", Templates.render(value.asText(), context));
      } else {
        type = value.path("type").asText("text");
        payload = ((ObjectNode) Templates.renderAll(value, context));
        payload.remove("type");
      }
      messages.add(new Turn.OutMessage(type, payload));
      trace.add(Json.tree(Map.of("step", "say", "type", type)));
    }

    private boolean condition(String expression) throws Turn.Failure {
      Object result = evaluate(expression);
      if (result instanceof Boolean b) return b;
      throw new Turn.Failure("the condition '" + expression + "' did not give true or false");
    }

    private Object evaluate(String expression) throws Turn.Failure {
      Map<String, Object> variables = new HashMap<>();
      JsonNode context = context();
      for (String name : Expressions.Scope.FLOW.variables) variables.put(name, Expressions.toCel(context.get(name)));
      try {
        return Expressions.evaluate(Expressions.Scope.FLOW, expression, variables);
      } catch (Expressions.Failure e) {
        throw new Turn.Failure("expression '" + expression + "' failed: " + e.getMessage());
      }
    }

    private JsonNode context() {
      ObjectNode context = in.scope().deepCopy();
      context.set("vars", vars);
      return context;
    }
  }
}
