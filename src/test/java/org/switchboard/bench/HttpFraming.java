package org.switchboard.bench;

import java.nio.charset.StandardCharsets;

/** The little HTTP/1.1 framing the bench's own sender and receiver need, on bytes as read (no strings per message). */
final class HttpFraming {
  static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONTENT_LENGTH = "\r\ncontent-length:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CHUNKED = "\r\ntransfer-encoding: chunked".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LAST_CHUNK = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private HttpFraming() {}

  /** What a connection has read and not yet framed. */
  static final class Pending {
    byte[] bytes = new byte[4096];
    int length;

    void append(byte[] read, int count) {
      if (length + count > bytes.length) bytes = java.util.Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + count));
      System.arraycopy(read, 0, bytes, length, count);
      length += count;
    }

    /** Forgets the first {@code framed} bytes: the messages taken. */
    void drop(int framed) {
      System.arraycopy(bytes, framed, bytes, 0, length - framed);
      length -= framed;
    }
  }

  /**
   * The length of the body after the head that ends at {@code headEnd} (where its blank line starts), counting a
   * chunked body's framing; -1 while a chunked body has not ended within {@code length}.
   */
  static int bodyLength(byte[] bytes, int from, int headEnd, int length) {
    if (indexOf(bytes, from, headEnd, CHUNKED, true) >= 0) {
      int last = indexOf(bytes, headEnd + 2, length, LAST_CHUNK, false);
      return last < 0 ? -1 : last + LAST_CHUNK.length - (headEnd + HEAD_END.length);
    }
    int at = indexOf(bytes, from, headEnd, CONTENT_LENGTH, true);
    if (at < 0) return 0;
    int value = 0;
    for (int i = at + CONTENT_LENGTH.length; i < headEnd && bytes[i] != '\r'; i++) {
      if (bytes[i] >= '0' && bytes[i] <= '9') value = value * 10 + (bytes[i] - '0');
    }
    return value;
  }

  /** Where {@code needle} (lower case when {@code ignoreCase}) starts in {@code bytes[from, to)}; -1 if nowhere. */
  static int indexOf(byte[] bytes, int from, int to, byte[] needle, boolean ignoreCase) {
    outer:
    for (int i = from; i <= to - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        byte b = bytes[i + j];
        if ((ignoreCase && b >= 'A' && b <= 'Z' ? b + 32 : b) != needle[j]) continue outer;
      }
      return i;
    }
    return -1;
  }
}
