package org.switchboard.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Pattern;
import org.switchboard.model.Json;

/**
 * The ask step: send a question, wait for the next user message, check it against {@code match} or
 * {@code choices}, re-ask with {@code retry} up to {@code attempts} times, and time out into another node.
 */
final class Asks {
  static final int DEFAULT_ATTEMPTS = 3;
  private final BotRuntime.Run run;

  Asks(BotRuntime.Run run) { this.run = run; }

  void ask(JsonNode step) {
    ObjectNode waiting = Json.object();
    cancelWaiting();
    String question = Templates.render(step.get("ask").asText(), run.context());
    sendQuestion(question, step.get("choices"));
    waiting.set("pointer", run.pointer());
    waiting.put("question", question);
    waiting.put("into", step.get("into").asText());
    if (step.has("match")) waiting.put("match", step.get("match").asText());
    if (step.has("choices")) waiting.set("choices", choices(step.get("choices")));
    if (step.has("retry")) waiting.put("retry", step.get("retry").asText());
    waiting.put("attemptsLeft", step.path("attempts").asInt(DEFAULT_ATTEMPTS));
    if (step.has("timeout")) {
      long after = Durations.parse(step.get("timeout").get("after").asText()).toMillis();
      waiting.put("timerId", run.timer("timeout", run.now() + after));
      waiting.put("timeoutGoto", step.get("timeout").get("goto").asText());
    }
    run.state.set("waiting", waiting);
    run.trace.add(Json.object().put("step", "ask").put("into", step.get("into").asText()));
    run.stop();
  }

  /** The user's message answers the waiting ask. */
  void answer() throws Turn.Failure {
    ObjectNode waiting = (ObjectNode) run.state.get("waiting");
    String text = run.in.scope().path("event").path("text").asText("");
    JsonNode value = accept(waiting, text);
    String into = waiting.get("into").asText();
    if (value != null) {
      run.vars.set(into, value);
      finish(waiting, "answered");
      return;
    }
    int left = waiting.get("attemptsLeft").asInt() - 1;
    if (left > 0) {
      waiting.put("attemptsLeft", left);
      String retry = waiting.hasNonNull("retry") ? Templates.render(waiting.get("retry").asText(), run.context())
          : waiting.get("question").asText();
      sendQuestion(retry, waiting.get("choices"));
      run.trace.add(Json.object().put("step", "ask").put("retry", left));
      return;
    }
    // Out of attempts: the answer stays unset and the flow goes on, so it can handle the missing value.
    run.vars.putNull(into);
    finish(waiting, "gave up");
  }

  private void finish(ObjectNode waiting, String how) throws Turn.Failure {
    run.state.remove("waiting");
    if (waiting.hasNonNull("timerId")) run.cancelled.add(waiting.get("timerId").asText());
    run.trace.add(Json.object().put("step", "ask").put("result", how));
    run.resume(waiting.get("pointer"));
  }

  private JsonNode accept(ObjectNode waiting, String text) {
    String trimmed = text.trim();
    if (waiting.has("choices")) {
      for (JsonNode choice : waiting.get("choices")) {
        if (choice.get("label").asText().equalsIgnoreCase(trimmed) || choice.get("value").asText().equalsIgnoreCase(trimmed)) {
          return choice.get("value");
        }
      }
      return null;
    }
    if (waiting.has("match") && !Pattern.compile(waiting.get("match").asText()).matcher(trimmed).find()) return null;
    return trimmed.isEmpty() ? null : Json.tree(trimmed);
  }

  /** A new ask replaces one still waiting; its timer no longer applies. */
  private void cancelWaiting() {
    JsonNode old = run.state.path("waiting");
    if (old.hasNonNull("timerId")) run.cancelled.add(old.get("timerId").asText());
  }

  private void sendQuestion(String question, JsonNode choices) {
    if (choices == null || choices.isNull()) {
      run.say("text", Json.object().put("text", question));
      return;
    }
    ObjectNode payload = Json.object().put("text", question);
    payload.set("options", choices(choices));
    run.say("choice", payload);
  }

  /** Choices are strings or {label, value}; both become {label, value}. */
  private ArrayNode choices(JsonNode choices) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (JsonNode c : choices) {
      if (c.isObject()) {
        String label = Templates.render(c.path("label").asText(c.path("value").asText()), run.context());
        out.addObject().put("label", label).put("value", c.path("value").asText(label));
      } else {
        String label = Templates.render(c.asText(), run.context());
        out.addObject().put("label", label).put("value", label);
      }
    }
    return out;
  }
}
