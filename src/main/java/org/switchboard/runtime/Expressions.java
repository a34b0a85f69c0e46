package org.switchboard.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelException;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.switchboard.model.BoundedCache;
import org.switchboard.model.Json;

/**
 * CEL expressions (cel-java) over JSON data. Compiled programs are cached by environment and source, so a
 * trigger's filter or a flow's condition compiles once. JSON integers are CEL ints, other numbers doubles.
 */
public final class Expressions {
  /** The variables one kind of expression may use. */
  public enum Scope {
    FILTER("body", "headers", "query"),
    FLOW("event", "vars", "contact", "conversation", "bot", "input", "now");

    final List<String> variables;
    final Cel cel;

    Scope(String... variables) {
      this.variables = List.of(variables);
      var builder = CelFactory.standardCelBuilder().setStandardMacros(CelStandardMacro.STANDARD_MACROS);
      for (String v : variables) builder.addVar(v, SimpleType.DYN);
      this.cel = builder.build();
    }
  }

  public static final class Failure extends Exception {
    public Failure(String message) { super(message, null, false, false); }
  }

  private static final BoundedCache<String, CelRuntime.Program> CACHE = new BoundedCache<>(10_000);

  private Expressions() {}

  /** Returns null when the expression compiles, else the compiler's message. */
  public static String check(Scope scope, String source) {
    try {
      program(scope, source);
      return null;
    } catch (Failure e) {
      return e.getMessage();
    }
  }

  public static Object evaluate(Scope scope, String source, Map<String, Object> variables) throws Failure {
    try {
      return program(scope, source).eval(variables);
    } catch (CelEvaluationException e) {
      throw new Failure(e.getMessage());
    }
  }

  public static boolean test(Scope scope, String source, Map<String, Object> variables) throws Failure {
    Object result = evaluate(scope, source, variables);
    if (result instanceof Boolean b) return b;
    throw new Failure("the expression must give true or false, it gave " + describe(result));
  }

  private static CelRuntime.Program program(Scope scope, String source) throws Failure {
    try {
      return CACHE.get(scope.name() + '\u0000' + source, key -> scope.cel.createProgram(scope.cel.compile(source).getAst()));
    } catch (CelException e) { // a compile error (validation) or a program that cannot be planned (evaluation)
      throw new Failure(e.getMessage());
    }
  }

  /** JSON to CEL values: objects to maps, arrays to lists, integers to long, other numbers to double. */
  public static Object toCel(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) return NullValue.NULL_VALUE;
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        var entry = it.next();
        map.put(entry.getKey(), toCel(entry.getValue()));
      }
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      for (JsonNode item : node) list.add(toCel(item));
      return list;
    }
    if (node.isIntegralNumber()) {
      // Not a ternary: long and double operands would promote the long to double.
      if (node.canConvertToLong()) return Long.valueOf(node.longValue());
      return Double.valueOf(node.doubleValue());
    }
    if (node.isNumber()) return node.doubleValue();
    if (node.isBoolean()) return node.booleanValue();
    return node.asText();
  }

  /** CEL values back to JSON (for {@code set} and results). */
  public static JsonNode toJson(Object value) {
    if (value == null || value instanceof NullValue || value instanceof com.google.protobuf.NullValue) {
      return JsonNodeFactory.instance.nullNode();
    }
    if (value instanceof Map<?, ?> map) {
      var node = Json.object();
      map.forEach((k, v) -> node.set(String.valueOf(k), toJson(v)));
      return node;
    }
    if (value instanceof Iterable<?> list) {
      var node = JsonNodeFactory.instance.arrayNode();
      list.forEach(v -> node.add(toJson(v)));
      return node;
    }
    if (value instanceof dev.cel.common.values.CelByteString || value instanceof com.google.protobuf.ByteString) {
      return JsonNodeFactory.instance.textNode(value.toString());
    }
    if (value instanceof BigInteger || value instanceof com.google.common.primitives.UnsignedLong) {
      return JsonNodeFactory.instance.numberNode(new BigInteger(value.toString()));
    }
    if (value instanceof Number || value instanceof Boolean || value instanceof String) return Json.tree(value);
    return JsonNodeFactory.instance.textNode(value.toString());
  }

  private static String describe(Object value) {
    if (value == null || value instanceof NullValue) return "null";
    return value.getClass().getSimpleName() + " " + value;
  }
}
