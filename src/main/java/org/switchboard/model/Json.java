package org.switchboard.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one JSON mapper: strict on input (depth, duplicate keys), ISO-8601 timestamps on output. */
public final class Json {
  public static final int MAX_DEPTH = 64;

  public static final ObjectMapper MAPPER = JsonMapper.builder(
          JsonFactory.builder()
              .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
              .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              // Jackson's default pool keeps buffers per thread; a request's virtual thread lives for one request,
              // so every parser and generator would allocate fresh buffers. One shared pool reuses them.
              .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
              .build())
      .addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private Json() {}

  public static ObjectNode object() { return JsonNodeFactory.instance.objectNode(); }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass(), e);
    }
  }

  /** Parses stored JSON (trusted: written by us). */
  public static JsonNode read(String text) {
    if (text == null) return null;
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is unreadable", e);
    }
  }

  /** Parses stored JSON from its UTF-8 (trusted: written by us). */
  public static JsonNode read(byte[] utf8) {
    try {
      return MAPPER.readTree(utf8);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("stored JSON is unreadable", e);
    }
  }

  public static JsonNode tree(Object value) { return MAPPER.valueToTree(value); }
}
