package org.switchboard.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.switchboard.model.Conversation;
import org.switchboard.model.Ids;
import org.switchboard.model.Json;

/**
 * Interprets a flow document for one event. Steps run from an explicit stack of step lists, so a turn that stops at
 * an {@code ask} or a {@code wait} saves where it was (JSON pointers and indexes) in the conversation state and a
 * later event resumes exactly there.
 */
public final class BotRuntime {
  public static final int STEP_LIMIT = 1000;

  private final Steps steps;
  private final Clock clock;

  public BotRuntime(Outbound outbound, LanguageModel model, Clock clock) {
    this.steps = new Steps(outbound, model);
    this.clock = clock;
  }

  public Turn.Output run(Turn.Input in) throws Turn.Failure {
    return new Run(in).execute();
  }

  /** One position in a list of steps: the list's JSON pointer in the flow and the index of the next step. */
  static final class Frame {
    final String at;
    final JsonNode list;
    int index;

    Frame(String at, JsonNode list, int index) {
      this.at = at;
      this.list = list;
      this.index = index;
    }
  }

  final class Run {
    final Turn.Input in;
    final ObjectNode vars;
    final ObjectNode state;
    final List<Turn.OutMessage> messages = new ArrayList<>();
    final List<JsonNode> trace = new ArrayList<>();
    final List<Turn.Timer> timers = new ArrayList<>();
    final List<String> cancelled = new ArrayList<>();
    final List<Turn.Emit> emits = new ArrayList<>();
    final Deque<Frame> stack = new ArrayDeque<>();
    String status = Conversation.ACTIVE;
    String node;
    int count;
    boolean stopped;

    Run(Turn.Input in) {
      this.in = in;
      this.vars = in.variables().deepCopy();
      this.state = in.state().deepCopy();
    }

    JsonNode flow() { return in.flow(); }

    long now() { return clock.millis(); }

    Turn.Output execute() throws Turn.Failure {
      JsonNode on = flow().path("on");
      String timerId = in.scope().path("event").path("payload").path("timerId").asText(null);
      switch (in.eventType()) {
        case "timeout" -> onTimeout(timerId);
        case "wait" -> onWaitOver(timerId);
        default -> {
          if ("message".equals(in.eventType()) && state.has("waiting")) {
            new Asks(this).answer();
          } else {
            boolean started = true;
            if (in.firstEvent() && on.hasNonNull("start")) {
              runNode(on.get("start").asText());
              started = !stopped && !state.has("waiting") && !state.has("paused");
            }
            String entry = entryPoint(on);
            if (entry != null && started) runNode(entry);
            else if (entry == null && !in.firstEvent()) trace.add(Json.object().put("skipped", "no entry point for " + in.eventType()));
          }
        }
      }
      return new Turn.Output(messages, vars, state, status, trace, timers, cancelled, emits);
    }

    private void onTimeout(String timerId) throws Turn.Failure {
      JsonNode waiting = state.path("waiting");
      if (timerId == null || !timerId.equals(waiting.path("timerId").asText(null))) {
        trace.add(Json.object().put("skipped", "timeout of an ask that was already answered"));
        return;
      }
      String target = waiting.path("timeoutGoto").asText();
      state.remove("waiting");
      trace.add(Json.object().put("timeout", target));
      runNode(target);
    }

    private void onWaitOver(String timerId) throws Turn.Failure {
      JsonNode paused = state.path("paused");
      if (timerId == null || !timerId.equals(paused.path("timerId").asText(null))) {
        trace.add(Json.object().put("skipped", "a wait that no longer applies"));
        return;
      }
      state.remove("paused");
      resume(paused.get("pointer"));
    }

    private String entryPoint(JsonNode on) {
      String target = switch (in.eventType()) {
        case "trigger", "schedule" -> {
          JsonNode triggers = on.path("trigger");
          JsonNode byKey = null;
          if (in.triggerKey() != null) {
            for (var it = triggers.fields(); it.hasNext(); ) {
              var e = it.next();
              if (e.getKey().equalsIgnoreCase(in.triggerKey())) byKey = e.getValue();
            }
          }
          yield byKey != null ? byKey.asText() : triggers.path("*").asText(null);
        }
        case "message" -> on.path("message").asText(null);
        default -> null;
      };
      return target != null ? target : on.path("default").asText(null);
    }

    void runNode(String name) throws Turn.Failure {
      JsonNode list = flow().path("nodes").path(name);
      if (!list.isArray()) throw new Turn.Failure("the flow has no node '" + name + "'");
      stack.clear();
      node = name;
      trace.add(Json.object().put("node", name));
      stack.push(new Frame("/nodes/" + escape(name), list, 0));
      loop();
    }

    /** Continues from a saved pointer: the innermost list first, then each enclosing one. */
    void resume(JsonNode pointer) throws Turn.Failure {
      stack.clear();
      for (JsonNode frame : pointer) {
        String at = frame.get("at").asText();
        JsonNode list = flow().at(at);
        if (!list.isArray()) throw new Turn.Failure("the flow changed: there is no step list at " + at);
        stack.push(new Frame(at, list, frame.get("index").asInt()));
      }
      node = pointer.isEmpty() ? null : unescape(pointer.get(0).get("at").asText().substring("/nodes/".length()));
      trace.add(Json.object().put("resume", node));
      loop();
    }

    /** Where the turn stands, outermost list first, for a later resume. */
    ArrayNode pointer() {
      ArrayNode out = Json.MAPPER.createArrayNode();
      stack.descendingIterator().forEachRemaining(f -> out.addObject().put("at", f.at).put("index", f.index));
      return out;
    }

    private void loop() throws Turn.Failure {
      while (!stack.isEmpty() && !stopped) {
        Frame top = stack.peek();
        if (top.index >= top.list.size()) {
          stack.pop();
          continue;
        }
        JsonNode step = top.list.get(top.index);
        String at = top.at + "/" + top.index;
        top.index++;
        if (++count > STEP_LIMIT) {
          throw new Turn.Failure("loop guard: the event ran more than " + STEP_LIMIT + " steps (at node '" + node + "')");
        }
        steps.run(this, step, at);
      }
    }

    void push(String at, JsonNode list) {
      if (list != null && list.isArray()) stack.push(new Frame(at, list, 0));
    }

    /** goto: the current lists are abandoned and the target node's steps run next. */
    void jump(String target) throws Turn.Failure {
      JsonNode list = flow().path("nodes").path(target);
      if (!list.isArray()) throw new Turn.Failure("the flow has no node '" + target + "'");
      stack.clear();
      node = target;
      trace.add(Json.object().put("node", target));
      stack.push(new Frame("/nodes/" + escape(target), list, 0));
    }

    void stop() { stopped = true; }

    void say(String type, ObjectNode payload) {
      messages.add(new Turn.OutMessage(type, payload));
      trace.add(Json.object().put("step", "say").put("type", type));
    }

    String timer(String kind, long dueAt) {
      String id = Ids.next("tmr_");
      timers.add(new Turn.Timer(id, kind, dueAt));
      return id;
    }

    /**
     * What templates and expressions see now: the scope and the live variables. Only the top level is new (a skill
     * adds its input there); the scope's values are shared, since nothing changes them.
     */
    ObjectNode context() {
      ObjectNode context = Json.object().setAll(in.scope());
      context.set("vars", vars);
      return context;
    }

    Object evaluate(String expression, JsonNode context) throws Turn.Failure {
      Map<String, Object> variables = new HashMap<>();
      for (String name : Expressions.Scope.FLOW.variables) variables.put(name, Expressions.toCel(context.get(name)));
      try {
        return Expressions.evaluate(Expressions.Scope.FLOW, expression, variables);
      } catch (Expressions.Failure e) {
        throw new Turn.Failure("expression '" + expression + "' failed: " + e.getMessage());
      }
    }
  }

  static String escape(String name) { return name.replace("~", "~0").replace("/", "~1"); }

  static String unescape(String name) { return name.replace("~1", "/").replace("~0", "~"); }
}
