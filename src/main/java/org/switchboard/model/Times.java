package org.switchboard.model;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Timestamps are epoch milliseconds in storage and ISO-8601 UTC strings with milliseconds on the wire. */
public final class Times {
  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final long DAY_MS = 86_400_000L;
  /** Year 10000 begins here; from then on (and before 1970) the formatter writes the text. */
  private static final long YEAR_10000_MS = 253_402_300_800_000L;

  private Times() {}

  /**
   * {@code uuuu-MM-dd'T'HH:mm:ss.SSS'Z'}. Every view writes a few of these, so years 1970 to 9999 are written by
   * hand: the formatter was a tenth of a bot turn's CPU.
   */
  public static String iso(Long millis) {
    if (millis == null) return null;
    long ms = millis;
    if (ms < 0 || ms >= YEAR_10000_MS) return ISO.format(java.time.Instant.ofEpochMilli(ms));
    LocalDate date = LocalDate.ofEpochDay(ms / DAY_MS);
    int ofDay = (int) (ms % DAY_MS);
    byte[] out = new byte[24];
    digits(out, 0, date.getYear(), 4);
    out[4] = '-';
    digits(out, 5, date.getMonthValue(), 2);
    out[7] = '-';
    digits(out, 8, date.getDayOfMonth(), 2);
    out[10] = 'T';
    digits(out, 11, ofDay / 3_600_000, 2);
    out[13] = ':';
    digits(out, 14, ofDay / 60_000 % 60, 2);
    out[16] = ':';
    digits(out, 17, ofDay / 1000 % 60, 2);
    out[19] = '.';
    digits(out, 20, ofDay % 1000, 3);
    out[23] = 'Z';
    return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static void digits(byte[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }
}
