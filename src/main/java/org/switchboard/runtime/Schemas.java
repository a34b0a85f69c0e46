package org.switchboard.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import org.switchboard.model.BoundedCache;

/** JSON Schemas of skill inputs (draft 2020-12): checked at save time, applied before each skill call. */
public final class Schemas {
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static final Schema META = REGISTRY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
  private static final BoundedCache<String, Schema> CACHE = new BoundedCache<>(10_000);

  private Schemas() {}

  /** Problems with the schema itself; empty when it is a valid JSON Schema. */
  public static List<String> checkSchema(JsonNode schema) {
    try {
      return META.validate(schema).stream().map(Schemas::describe).toList();
    } catch (RuntimeException e) {
      return List.of(String.valueOf(e.getMessage()));
    }
  }

  /** Problems of the value against the schema; empty when it conforms. */
  public static List<String> validate(JsonNode schema, JsonNode value) {
    Schema compiled = CACHE.get(schema.toString(), key -> REGISTRY.getSchema(schema));
    return compiled.validate(value).stream().map(Schemas::describe).toList();
  }

  private static String describe(Error e) {
    String where = e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString();
    String message = e.getMessage();
    return where.isEmpty() || message.startsWith(where) ? message : where + ": " + message;
  }
}
