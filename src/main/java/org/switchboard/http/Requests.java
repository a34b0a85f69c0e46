package org.switchboard.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.switchboard.model.Ids;
import org.switchboard.model.Json;
import org.switchboard.model.Page;
import org.switchboard.model.Problem;

/** Reading requests safely: bounded bodies, strict JSON, tokens, paging and ids. */
public final class Requests {
  private Requests() {}

  /** The raw body, at most {@code max} bytes; 413 beyond. */
  public static byte[] body(Context ctx, long max) { return body(RequestView.of(ctx), max); }

  public static byte[] body(RequestView request, long max) {
    long declared = request.contentLength();
    try (InputStream in = request.body()) {
      if (declared > max) {
        drain(in, max);
        throw tooLarge(max);
      }
      // A declared length is read into an array of exactly that size: reading "up to the limit" allocated and
      // zeroed an 8 KiB buffer per request, 4% of the HTTP threads' CPU for a small event.
      byte[] bytes = in.readNBytes((int) (declared >= 0 ? declared : Math.min(Integer.MAX_VALUE - 8, max + 1)));
      if (bytes.length > max) {
        drain(in, max);
        throw tooLarge(max);
      }
      return bytes;
    } catch (IOException e) {
      throw new Problem(400, "Bad request", "the request body could not be read: " + e.getMessage());
    }
  }

  /**
   * Reads and discards a moderately oversized body, so the client finishes sending and sees the 413 rather than a
   * reset connection. A body far over the limit is cut off: the connection closes.
   */
  private static void drain(InputStream in, long max) throws IOException {
    long budget = Math.max(4 * max, 4L << 20);
    byte[] sink = new byte[16 * 1024];
    for (int n; budget > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, budget))) > 0; ) budget -= n;
  }

  private static Problem tooLarge(long max) {
    return new Problem(413, "Payload too large", "the body is larger than the limit of " + max + " bytes");
  }

  /** A JSON body for management calls; an empty body is {}. */
  public static JsonNode json(Context ctx, long max) {
    return parseJson(body(ctx, max));
  }

  public static JsonNode parseJson(byte[] bytes) {
    return parseJson(bytes, 400);
  }

  /** {@code failure}: 400 for a management body, 415 (unreadable body) for an event payload. */
  private static JsonNode parseJson(byte[] bytes, int failure) {
    if (isBlank(bytes)) return Json.object();
    String title = failure == 415 ? "Unreadable body" : "Bad request";
    try {
      return Json.MAPPER.readTree(bytes);
    } catch (StreamConstraintsException e) {
      throw new Problem(failure, title, "the JSON is nested deeper than " + Json.MAX_DEPTH + " levels");
    } catch (JsonProcessingException e) {
      throw new Problem(failure, title, "the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new Problem(failure, title, "the body is not valid JSON");
    }
  }

  /**
   * An event payload: JSON when the content type says JSON (or says nothing), otherwise the text as a string.
   * A body that cannot be read so (JSON that does not parse, text that is not UTF-8) is a 415, the contract's
   * "unreadable body".
   */
  public static JsonNode payload(Context ctx, long max) { return payload(RequestView.of(ctx), max); }

  public static JsonNode payload(RequestView request, long max) {
    byte[] bytes = body(request, max);
    if (isBlank(bytes)) return Json.object();
    String type = request.contentType() == null ? "" : request.contentType().toLowerCase(Locale.ROOT);
    if (type.isEmpty() || type.contains("json")) return parseJson(bytes, 415);
    try {
      String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
      return JsonNodeFactory.instance.textNode(text);
    } catch (CharacterCodingException e) {
      throw new Problem(415, "Unreadable body", "the body is not UTF-8 text or JSON");
    }
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) if (b != ' ' && b != '\n' && b != '\r' && b != '\t') return false;
    return true;
  }

  /** The presented token: {@code Authorization: Bearer x} (any case) or {@code x-api-key: x}. */
  public static String token(Context ctx) { return token(RequestView.of(ctx)); }

  public static String token(RequestView request) {
    String auth = request.header("Authorization");
    if (auth != null) {
      String trimmed = auth.trim();
      if (trimmed.regionMatches(true, 0, "Bearer ", 0, 7)) return trimmed.substring(7).trim();
    }
    String key = request.header("x-api-key");
    return key == null || key.isBlank() ? null : key.trim();
  }

  /** A query flag: absent or {@code false} is false, {@code true} is true (any case); anything else is a 400. */
  public static boolean flag(Context ctx, String name) {
    String value = ctx.queryParam(name);
    if (value == null || value.equalsIgnoreCase("false")) return false;
    if (value.equalsIgnoreCase("true")) return true;
    throw Problem.badRequest(name + " must be true or false");
  }

  /** The {@code Idempotency-Key} header, or null without one; 400 unless it has 1 to 255 characters. */
  public static String idempotencyKey(Context ctx) { return idempotencyKey(RequestView.of(ctx)); }

  public static String idempotencyKey(RequestView request) {
    String key = request.header("Idempotency-Key");
    if (key != null && (key.isBlank() || key.length() > 255)) {
      throw Problem.badRequest("Idempotency-Key must be 1 to 255 characters");
    }
    return key;
  }

  public static int limit(Context ctx) { return pageSize(ctx, "limit"); }

  /** A page size query parameter, 1 to {@link Page#MAX_LIMIT}, by default {@link Page#DEFAULT_LIMIT}. */
  public static int pageSize(Context ctx, String name) {
    String value = ctx.queryParam(name);
    if (value == null) return Page.DEFAULT_LIMIT;
    try {
      int size = Integer.parseInt(value);
      if (size >= 1 && size <= Page.MAX_LIMIT) return size;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw Problem.badRequest(name + " must be a whole number from 1 to " + Page.MAX_LIMIT);
  }

  /** A cursor is the last id of the previous page. */
  public static String cursor(Context ctx, String prefix) {
    String cursor = ctx.queryParam("cursor");
    if (cursor == null || cursor.isEmpty()) return null;
    if (!Ids.looksLike(prefix, cursor)) throw Problem.badRequest("cursor is not one this API handed out");
    return cursor;
  }

  /** A path id of the given type; anything else is a 404, never a lookup. */
  public static String id(Context ctx, String param, String prefix, String what) {
    return id(ctx.pathParam(param), prefix, what);
  }

  public static String id(String id, String prefix, String what) {
    if (!Ids.looksLike(prefix, id)) throw Problem.notFound(what + " '" + abbreviate(id) + "'");
    return id;
  }

  public static String abbreviate(String s) {
    String clean = s == null ? "" : s.replaceAll("\\p{Cntrl}", "?");
    return clean.length() > 64 ? clean.substring(0, 64) + "..." : clean;
  }

  /** The contact a trigger call names in its query: {@code contact.name|email|phone} or {@code contact_name|...}. */
  public static org.switchboard.intake.ContactInput contactFromQuery(Context ctx) {
    return contactFromQuery(RequestView.of(ctx));
  }

  public static org.switchboard.intake.ContactInput contactFromQuery(RequestView request) {
    return new org.switchboard.intake.ContactInput(contactField(request, "name"), contactField(request, "email"),
        contactField(request, "phone"), null);
  }

  private static String contactField(RequestView request, String field) {
    String dotted = request.queryParam("contact." + field);
    return dotted != null ? dotted : request.queryParam("contact_" + field);
  }

  /** Lower-cased header names to their first value, without credentials. */
  public static Map<String, String> headers(Context ctx) { return headers(RequestView.of(ctx)); }

  public static Map<String, String> headers(RequestView request) {
    Map<String, String> out = new LinkedHashMap<>();
    request.forEachHeader((name, value) -> out.putIfAbsent(name.toLowerCase(Locale.ROOT), value));
    out.remove("authorization");
    out.remove("x-api-key");
    return out;
  }

  public static Map<String, String> query(Context ctx) { return query(RequestView.of(ctx)); }

  public static Map<String, String> query(RequestView request) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : request.queryParams().entrySet()) {
      if (!e.getValue().isEmpty()) out.put(e.getKey(), e.getValue().get(0));
    }
    out.remove("api_key");
    return out;
  }
}
