package org.switchboard.model;

import java.security.SecureRandom;

/**
 * Opaque, URL-safe, time-sortable ids: a type prefix, 48 bits of milliseconds and 80 random bits in Crockford
 * base32 (26 characters), monotonic within one process so that ids made in the same millisecond still sort.
 */
public final class Ids {
  private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static long lastMillis;
  private static long randomHigh; // 16 bits
  private static long randomLow;  // 64 bits

  private Ids() {}

  public static String project() { return next("prj_"); }
  public static String apiKey() { return next("key_"); }
  public static String bot() { return next("bot_"); }
  public static String trigger() { return next("trg_"); }
  public static String channel() { return next("chn_"); }
  public static String contact() { return next("ctc_"); }
  public static String conversation() { return next("cnv_"); }
  public static String event() { return next("evt_"); }
  public static String message() { return next("msg_"); }
  public static String subscription() { return next("sub_"); }
  public static String delivery() { return next("dlv_"); }

  public static synchronized String next(String prefix) {
    long now = System.currentTimeMillis();
    if (now > lastMillis) {
      lastMillis = now;
      randomHigh = RANDOM.nextInt(1 << 15); // leave headroom so increments rarely carry
      randomLow = RANDOM.nextLong();
    } else if (++randomLow == 0 && ++randomHigh >= (1 << 16)) {
      lastMillis++;
      randomHigh = 0;
    }
    char[] out = new char[26];
    long time = lastMillis;
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (time & 31)];
      time >>>= 5;
    }
    // 80 random bits: 16 high + 64 low, written as 16 base32 digits
    long low = randomLow;
    long high = randomHigh;
    for (int i = 25; i >= 10; i--) {
      out[i] = ALPHABET[(int) (low & 31)];
      low = (low >>> 5) | ((high & 31) << 59);
      high >>>= 5;
    }
    return prefix + new String(out);
  }

  /** True when the text could be an id of that prefix; lets junk in a path fail fast with 404. */
  public static boolean looksLike(String prefix, String id) {
    if (id == null || id.length() != prefix.length() + 26 || !id.startsWith(prefix)) return false;
    for (int i = prefix.length(); i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return false;
    }
    return true;
  }
}
