package org.switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The end-to-end load's client, kept as cheap as wrk so that the node, not the load, gets the two cores: fixed
 * keep-alive connections, the request's bytes built once but for the event number, and one thread that reads every
 * answer. A send never waits for an answer (so a slow node cannot slow the offered load down); a connection whose
 * previous request is still open carries the next one pipelined behind it.
 */
final class PacedSender implements AutoCloseable {
  private final List<Connection> connections = new ArrayList<>();
  private final Selector selector;
  private final Thread reader;
  private final byte[] head;
  private final byte[] tail = "}".getBytes(StandardCharsets.US_ASCII);
  final AtomicLong accepted = new AtomicLong();
  final AtomicLong refused = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  private int next;

  PacedSender(String url, String secret, int connectionCount) throws IOException {
    URI uri = URI.create(url);
    head = ("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
        + "\r\nAuthorization: Bearer " + secret + "\r\nContent-Type: application/json\r\nContent-Length: ")
        .getBytes(StandardCharsets.US_ASCII);
    selector = Selector.open();
    for (int i = 0; i < connectionCount; i++) {
      SocketChannel channel = SocketChannel.open(new InetSocketAddress(uri.getHost(), uri.getPort()));
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.configureBlocking(false);
      Connection c = new Connection(channel);
      channel.register(selector, SelectionKey.OP_READ, c);
      connections.add(c);
    }
    reader = Thread.ofPlatform().name("paced-sender-reader").daemon(true).start(this::readLoop);
  }

  /** Sends event {@code n} ({@code {"n":<n>}}) on the next connection, round robin. */
  void send(int n) throws IOException {
    byte[] number = Integer.toString(n).getBytes(StandardCharsets.US_ASCII);
    byte[] length = Integer.toString(5 + number.length + 1).getBytes(StandardCharsets.US_ASCII);
    ByteBuffer request = ByteBuffer.allocate(head.length + length.length + 4 + 5 + number.length + 1);
    request.put(head).put(length).put("\r\n\r\n".getBytes(StandardCharsets.US_ASCII))
        .put("{\"n\":".getBytes(StandardCharsets.US_ASCII)).put(number).put(tail).flip();
    Connection c = connections.get(next++ % connections.size());
    synchronized (c) {
      if (c.closed) {
        failed.incrementAndGet();
        return;
      }
      while (request.hasRemaining()) {
        if (c.channel.write(request) == 0) Thread.onSpinWait(); // the socket buffer is full: the node is behind
      }
    }
  }

  private void readLoop() {
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    try {
      while (selector.isOpen()) {
        selector.select(100);
        for (SelectionKey key : selector.selectedKeys()) {
          Connection c = (Connection) key.attachment();
          buffer.clear();
          int read;
          try {
            read = c.channel.read(buffer);
          } catch (IOException e) {
            read = -1;
          }
          if (read < 0) {
            synchronized (c) {
              c.closed = true;
            }
            key.cancel();
            continue;
          }
          c.take(buffer.array(), read);
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException | java.nio.channels.ClosedSelectorException e) {
      // closed
    }
  }

  /** One keep-alive connection and the part of an answer read so far. */
  private final class Connection {
    final SocketChannel channel;
    boolean closed;
    private final HttpFraming.Pending pending = new HttpFraming.Pending();

    Connection(SocketChannel channel) { this.channel = channel; }

    /** Counts every complete answer (status line, headers, a Content-Length or chunked body) in what was read. */
    void take(byte[] bytes, int count) {
      pending.append(bytes, count);
      byte[] in = pending.bytes;
      int length = pending.length;
      int start = 0;
      while (true) {
        int headEnd = HttpFraming.indexOf(in, start, length, HttpFraming.HEAD_END, false);
        if (headEnd < 0) break;
        int bodyLength = HttpFraming.bodyLength(in, start, headEnd, length);
        int end = headEnd + HttpFraming.HEAD_END.length + bodyLength;
        if (bodyLength < 0 || end > length) break;
        // "HTTP/1.1 2xx": the status's first digit
        (in[start + 9] == '2' ? accepted : refused).incrementAndGet();
        start = end;
      }
      pending.drop(start);
    }
  }

  @Override
  public void close() throws IOException {
    selector.close();
    for (Connection c : connections) c.channel.close();
  }
}
