package org.switchboard.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.switchboard.model.Json;
import org.switchboard.model.Problem;
import org.switchboard.model.Problem.FieldError;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Turns a bot definition (a JSON object, or a YAML or JSON string) into a validated flow document. Every problem
 * is reported at once, with its path and, for YAML, its line.
 */
public final class FlowDocument {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private FlowDocument() {}

  /** Parses and validates; throws a 422 {@link Problem} listing every problem. */
  public static JsonNode parse(JsonNode definition) {
    if (definition == null || definition.isNull() || definition.isMissingNode()) {
      throw Problem.invalid("definition", "a definition is required");
    }
    Map<String, Integer> lines = Map.of();
    JsonNode document = definition;
    if (definition.isTextual()) {
      String text = definition.asText();
      try {
        document = YAML.readTree(text); // YAML is a superset of JSON
      } catch (Exception e) {
        String message = e.getMessage() == null ? "unreadable" : e.getMessage().lines().findFirst().orElse("unreadable");
        Integer line = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null
            ? jpe.getLocation().getLineNr() : null;
        throw Problem.invalid("the definition is not valid YAML or JSON",
            List.of(new FieldError("definition", message, line)));
      }
      lines = lineMap(text);
    }
    if (document == null || !document.isObject()) {
      throw Problem.invalid("definition", "a definition must be an object with 'on' and 'nodes'");
    }
    List<FieldError> errors = new FlowValidator(document).validate();
    if (!errors.isEmpty()) {
      Map<String, Integer> lineOf = lines;
      List<FieldError> located = errors.stream()
          .map(e -> new FieldError(e.path(), e.message(), lineFor(lineOf, e.path())))
          .toList();
      String detail = located.size() == 1 ? located.get(0).path() + ": " + located.get(0).message()
          : "the definition has " + located.size() + " problems";
      throw Problem.invalid(detail, located);
    }
    return document;
  }

  private static Integer lineFor(Map<String, Integer> lines, String path) {
    String p = path;
    while (true) {
      Integer line = lines.get(p);
      if (line != null) return line;
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      if (cut <= 0) return lines.isEmpty() ? null : lines.get("");
      p = p.substring(0, cut);
    }
  }

  private static Map<String, Integer> lineMap(String text) {
    Map<String, Integer> lines = new HashMap<>();
    try {
      Node root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
      if (root != null) walk(root, "", lines);
    } catch (RuntimeException ignored) {
      // Jackson parsed it; without marks we report paths only.
    }
    return lines;
  }

  private static void walk(Node node, String path, Map<String, Integer> lines) {
    lines.putIfAbsent(path, node.getStartMark().getLine() + 1);
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        if (!(tuple.getKeyNode() instanceof ScalarNode key)) continue;
        String child = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
        lines.put(child, tuple.getKeyNode().getStartMark().getLine() + 1);
        walk(tuple.getValueNode(), child, lines);
        lines.put(child, tuple.getKeyNode().getStartMark().getLine() + 1);
      }
    } else if (node instanceof SequenceNode sequence) {
      List<Node> items = sequence.getValue();
      for (int i = 0; i < items.size(); i++) walk(items.get(i), path + "[" + i + "]", lines);
    }
  }

  static List<String> names(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** A compact JSON form for storage. */
  public static String store(JsonNode document) { return Json.write(document); }
}
