package org.switchboard.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.switchboard.model.Json;
import org.switchboard.model.Notification;

/**
 * How a project's feed is stored: consecutive notifications of one transaction share a row, a page, of at most
 * {@link #MAX_ENTRIES}. Three notification rows per event, each in three B-trees, had been a third of the ingest's
 * CPU (docs/benchmarks.md); a page is one row per batch and project. Within a page, notifications that carry the
 * same data (the conversation, contact and bot of one turn) store it once. A page is stored deflated: its entries
 * repeat their field names, ids and the data's shape, and shrink to about a twelfth (docs/decisions.md).
 */
public final class FeedPages {
  static final int MAX_ENTRIES = 128;
  public static final String INSERT = "INSERT INTO feed_pages (project_id, first_seq, last_seq, entries) VALUES (?, ?, ?, ?)";

  private FeedPages() {}

  /** A page: its project, the seq of its first entry, and its entries as JSON. */
  public record Page(String projectId, long firstSeq, long lastSeq, String entries) {
    /** The entries as stored: their JSON's UTF-8, deflated. */
    public byte[] packed() { return deflate(entries.getBytes(StandardCharsets.UTF_8)); }
  }

  /** Numbered notifications of one project, in seq order, cut into pages. */
  public static List<Page> pages(List<OutboxStore.NewNotification> numbered) {
    List<Page> pages = new ArrayList<>();
    for (int from = 0; from < numbered.size(); ) {
      int to = from + 1;
      while (to < numbered.size() && to - from < MAX_ENTRIES && consecutive(numbered.get(to - 1), numbered.get(to))) to++;
      List<OutboxStore.NewNotification> slice = numbered.subList(from, to);
      Notification first = slice.getFirst().notification();
      pages.add(new Page(first.projectId(), first.seq(), slice.getLast().notification().seq(), encode(slice)));
      from = to;
    }
    return pages;
  }

  private static boolean consecutive(OutboxStore.NewNotification a, OutboxStore.NewNotification b) {
    return b.notification().seq() == a.notification().seq() + 1
        && b.notification().projectId().equals(a.notification().projectId());
  }

  private static String encode(List<OutboxStore.NewNotification> slice) {
    StringWriter out = new StringWriter(256 * slice.size());
    // The same data text is the same object when one turn publishes it twice: compared by identity, no hashing.
    Map<String, Integer> written = new IdentityHashMap<>();
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartArray();
      for (int i = 0; i < slice.size(); i++) {
        OutboxStore.NewNotification stored = slice.get(i);
        Notification n = stored.notification();
        g.writeStartObject();
        g.writeStringField("id", n.id());
        g.writeStringField("topic", n.topic());
        optional(g, "conversationId", n.conversationId());
        optional(g, "botId", n.botId());
        optional(g, "contactExternalId", n.contactExternalId());
        optional(g, "eventId", stored.eventId());
        optional(g, "messageId", stored.messageId());
        g.writeNumberField("createdAt", n.createdAt());
        Integer same = written.putIfAbsent(stored.dataJson(), i);
        if (same != null) {
          g.writeNumberField("dataOf", same);
        } else {
          g.writeFieldName("data");
          g.writeRawValue(stored.dataJson());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void optional(JsonGenerator g, String field, String value) throws IOException {
    if (value != null) g.writeStringField(field, value);
  }

  /** A notification read from a page: its data as stored, and the event or message it names. */
  record Entry(Notification notification, String eventId, String messageId) {}

  /** The entries of a stored page ({@link Page#packed}), numbered from its first seq. */
  static List<Entry> entries(String projectId, long firstSeq, byte[] packed) {
    JsonNode array = Json.read(inflate(packed));
    List<Entry> entries = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode e = array.get(i);
      JsonNode data = e.has("dataOf") ? entries.get(e.get("dataOf").asInt()).notification().data().deepCopy()
          : e.get("data");
      entries.add(new Entry(new Notification(e.get("id").asText(), projectId, firstSeq + i, e.get("topic").asText(),
          text(e, "conversationId"), text(e, "botId"), text(e, "contactExternalId"), data,
          e.get("createdAt").asLong()), text(e, "eventId"), text(e, "messageId")));
    }
    return entries;
  }

  private static String text(JsonNode entry, String field) {
    JsonNode value = entry.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  /** At the fastest level: a page of 29.5 KB becomes 2.4 KB; the default level makes 1.9 KB in three times the time. */
  static byte[] deflate(byte[] raw) {
    Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    try {
      deflater.setInput(raw);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 8 + 64);
      byte[] chunk = new byte[8192];
      while (!deflater.finished()) out.write(chunk, 0, deflater.deflate(chunk));
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  /** A stored page's entries as their JSON's UTF-8. */
  public static byte[] inflate(byte[] packed) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(packed);
      ByteArrayOutputStream out = new ByteArrayOutputStream(packed.length * 12);
      byte[] chunk = new byte[16384];
      while (!inflater.finished()) {
        int n = inflater.inflate(chunk);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalStateException("a feed page is cut short");
        }
        out.write(chunk, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new IllegalStateException("a feed page is not deflated JSON: " + e.getMessage(), e);
    } finally {
      inflater.end();
    }
  }
}
