package org.switchboard.ui;

import static org.switchboard.ui.Html.esc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.switchboard.auth.Permission;
import org.switchboard.model.Event;
import org.switchboard.store.EventStore;

/** Events per hour over the last day, stacked by trigger, status or environment, as server-rendered SVG; p50 and p95. */
final class AnalyticsPage {
  private static final long HOUR = 3_600_000L;
  private static final int HOURS = 24;
  private static final int MAX_EVENTS = 200_000;
  private static final String[] COLOURS = {"#2451d6", "#12b76a", "#f79009", "#d92d20", "#7a5af8", "#0e9384", "#ee46bc", "#667085"};

  void register(UiRoutes r) { r.get("/ui/p/{projectId}/analytics", this::page); }

  private void page(Ui ui) {
    String projectId = ui.project(Permission.READ);
    String by = ui.query("by") == null ? "trigger" : ui.query("by");
    if (!List.of("trigger", "status", "environment").contains(by)) by = "trigger";
    long now = ui.core.clock().millis();
    long start = (now / HOUR - HOURS + 1) * HOUR;
    List<Event> events = ui.core.db().read(h -> EventStore.since(h, projectId, start, MAX_EVENTS));
    Map<String, long[]> series = new TreeMap<>();
    List<Long> durations = new ArrayList<>();
    for (Event e : events) {
      String key = switch (by) {
        case "status" -> e.status();
        case "environment" -> e.context().path("environment").asText("none");
        default -> e.triggerId() != null ? e.triggerId() : e.source();
      };
      int slot = (int) ((e.receivedAt() - start) / HOUR);
      if (slot >= 0 && slot < HOURS) series.computeIfAbsent(key, k -> new long[HOURS])[slot]++;
      if (e.completedAt() != null && Event.COMPLETED.equals(e.status())) durations.add(e.completedAt() - e.receivedAt());
    }
    String tabs = "<p class=\"actions\">" + Html.link("?by=trigger", "by trigger") + Html.link("?by=status", "by status")
        + Html.link("?by=environment", "by environment") + "</p>";
    ui.page("Analytics", projectId, "analytics", tabs + "<div class=\"grid\"><div class=\"card\"><strong>" + events.size()
        + "</strong> events in the last 24 hours</div><div class=\"card\">Processing time p50 <strong>" + percentile(durations, 50)
        + "</strong> · p95 <strong>" + percentile(durations, 95) + "</strong></div></div><h2>Events per hour by " + esc(by)
        + "</h2>" + chart(series, start) + legend(series));
  }

  static String percentile(List<Long> values, int p) {
    if (values.isEmpty()) return "–";
    long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, index)] + " ms";
  }

  private static String chart(Map<String, long[]> series, long start) {
    int width = 720;
    int height = 240;
    int left = 40;
    int bottom = 24;
    long[] totals = new long[HOURS];
    series.values().forEach(v -> Arrays.setAll(totals, i -> totals[i] + v[i]));
    long max = Math.max(1, Arrays.stream(totals).max().orElse(1));
    double barWidth = (width - left - 10) / (double) HOURS;
    StringBuilder svg = new StringBuilder("<svg class=\"chart\" viewBox=\"0 0 " + width + " " + height
        + "\" role=\"img\" aria-label=\"events per hour\">");
    svg.append("<text x=\"4\" y=\"14\" font-size=\"11\" fill=\"#667085\">").append(max).append("</text>");
    svg.append("<line x1=\"").append(left).append("\" y1=\"").append(height - bottom).append("\" x2=\"").append(width)
        .append("\" y2=\"").append(height - bottom).append("\" stroke=\"#d0d5dd\"/>");
    double plot = height - bottom - 10;
    for (int i = 0; i < HOURS; i++) {
      double y = height - bottom;
      int colour = 0;
      for (Map.Entry<String, long[]> s : series.entrySet()) {
        long count = s.getValue()[i];
        double h = count * plot / max;
        if (count > 0) {
          y -= h;
          svg.append(String.format(java.util.Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s: %d</title></rect>",
              left + i * barWidth + 1, y, barWidth - 2, h, COLOURS[colour % COLOURS.length], esc(s.getKey()), count));
        }
        colour++;
      }
      if (i % 4 == 0) {
        String hour = java.time.Instant.ofEpochMilli(start + i * HOUR).toString().substring(11, 16);
        svg.append(String.format(java.util.Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#667085\">%s</text>",
            left + i * barWidth, height - 6, hour));
      }
    }
    return svg.append("</svg>").toString();
  }

  private static String legend(Map<String, long[]> series) {
    Map<String, Long> sums = new LinkedHashMap<>();
    series.forEach((k, v) -> sums.put(k, Arrays.stream(v).sum()));
    StringBuilder out = new StringBuilder("<p class=\"legend\">");
    int i = 0;
    for (var e : sums.entrySet()) {
      out.append("<span><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect width=\"12\" height=\"12\" fill=\"")
          .append(COLOURS[i++ % COLOURS.length]).append("\"/></svg> ")
          .append(esc(e.getKey())).append(" (").append(e.getValue()).append(")</span>");
    }
    return out.append(series.isEmpty() ? "No events yet." : "").append("</p>").toString();
  }
}
