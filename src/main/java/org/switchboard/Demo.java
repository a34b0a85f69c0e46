package org.switchboard;

import java.io.PrintStream;
import org.switchboard.catalog.Projects;
import org.switchboard.model.Bot;
import org.switchboard.model.Json;
import org.switchboard.model.Project;
import org.switchboard.model.Trigger;

/** On a first start: a demo project, bot and trigger, and the curl lines that try them. */
final class Demo {
  static final String FLOW = """
      name: demo-bot
      on:
        start: welcome
        trigger:
          "*": echo
      nodes:
        welcome:
          - say: "Hello {{contact.name}}! This is the Switchboard demo bot."
        echo:
          - say: "You sent: {{event.payload.message}}"
      """;

  private Demo() {}

  /** What the demo's curl lines use: the trigger, its secret and the reader key's secret. */
  record Created(String triggerId, String triggerSecret, String readerKey) {}

  static Created create(Core core, PrintStream console, int port) {
    Project project = core.projects().create(Json.object().put("name", "Demo"));
    Projects.NewKey key = core.projects().createKey(project.id(), Json.tree(java.util.Map.of(
        "name", "demo-reader", "permissions", java.util.List.of("project.read", "project.conversation"))));
    Bot bot = core.bots().create(project.id(), Json.object().put("name", "Demo bot").put("key", "demo")
        .put("definition", FLOW).put("publish", true));
    Trigger trigger = core.triggers().create(project.id(), Json.object().put("name", "Demo trigger")
        .put("botId", bot.id()).put("waitForResponse", true).put("responseTimeoutMs", 10_000));
    Created created = new Created(trigger.id(), core.triggers().secretOf(trigger), key.secret());
    String base = "http://localhost:" + port;
    console.println();
    console.println("  Demo project " + project.id() + " with bot " + bot.id() + " and trigger " + trigger.id() + ".");
    console.println("  Fire the trigger (the answer carries the bot's replies and the conversationId):");
    console.println("    curl -s -X POST '" + base + "/v1/triggers/" + trigger.id() + "/events?contact.name=Ada' \\");
    console.println("      -H 'Authorization: Bearer " + created.triggerSecret() + "' \\");
    console.println("      -H 'Content-Type: application/json' -d '{\"message\": \"Hello from curl\"}'");
    console.println("  Then read the conversation with the demo API key:");
    console.println("    curl -s -H 'Authorization: Bearer " + created.readerKey() + "' " + base + "/v1/conversations/<conversationId>/messages");
    console.println("  Or watch it in the dashboard: " + base + "/ui (sign in with the admin token or the demo API key).");
    console.println();
    return created;
  }
}
