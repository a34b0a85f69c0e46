package org.switchboard.model;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Timestamps are epoch milliseconds in storage and ISO-8601 UTC strings with milliseconds on the wire. */
public final class Times {
  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Times() {}

  public static String iso(Long millis) {
    return millis == null ? null : ISO.format(java.time.Instant.ofEpochMilli(millis));
  }
}
