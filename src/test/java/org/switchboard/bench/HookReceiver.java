package org.switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.function.LongConsumer;

/**
 * The end-to-end load's webhook receiver, kept as cheap as the sender ({@link PacedSender}) so that the node, not the
 * rig, gets the two cores: one thread, keep-alive connections, every request answered 204 in one write. It reads
 * requests with a Content-Length (what the node sends) and hands each body, a decimal number, to {@code received}.
 */
final class HookReceiver implements AutoCloseable {
  private static final byte[] NO_CONTENT = "HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private final ServerSocketChannel server;
  private final Selector selector;
  private final LongConsumer received;
  private final Thread loop;
  private volatile boolean closing;

  HookReceiver(LongConsumer received) throws IOException {
    this.received = received;
    selector = Selector.open();
    server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    server.configureBlocking(false);
    server.register(selector, SelectionKey.OP_ACCEPT);
    loop = Thread.ofPlatform().name("hook-receiver").daemon(true).start(this::run);
  }

  int port() throws IOException { return ((InetSocketAddress) server.getLocalAddress()).getPort(); }

  private void run() {
    ByteBuffer read = ByteBuffer.allocate(64 * 1024);
    try (selector; server) {
      while (!closing) {
        selector.select(100);
        for (SelectionKey key : selector.selectedKeys()) {
          if (key.isAcceptable()) {
            SocketChannel channel = server.accept();
            if (channel == null) continue;
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.register(selector, SelectionKey.OP_READ, new Connection(channel));
          } else if (key.isReadable()) {
            Connection c = (Connection) key.attachment();
            read.clear();
            int n;
            try {
              n = c.channel.read(read);
              if (n > 0) c.take(read.array(), n);
            } catch (IOException e) {
              n = -1;
            }
            if (n < 0) {
              key.cancel();
              c.channel.close();
            }
          }
        }
        selector.selectedKeys().clear();
      }
      for (SelectionKey key : selector.keys()) key.channel().close();
    } catch (IOException e) {
      // closed
    }
  }

  /** One keep-alive connection and the part of a request read so far. */
  private final class Connection {
    final SocketChannel channel;
    private final HttpFraming.Pending pending = new HttpFraming.Pending();

    Connection(SocketChannel channel) { this.channel = channel; }

    void take(byte[] bytes, int count) throws IOException {
      pending.append(bytes, count);
      byte[] in = pending.bytes;
      int length = pending.length;
      int start = 0;
      int answers = 0;
      while (true) {
        int headEnd = HttpFraming.indexOf(in, start, length, HttpFraming.HEAD_END, false);
        if (headEnd < 0) break;
        int bodyStart = headEnd + HttpFraming.HEAD_END.length;
        int bodyLength = HttpFraming.bodyLength(in, start, headEnd, length);
        if (bodyLength < 0 || length - bodyStart < bodyLength) break;
        received.accept(number(in, bodyStart, bodyStart + bodyLength));
        answers++;
        start = bodyStart + bodyLength;
      }
      pending.drop(start);
      if (answers > 0) {
        ByteBuffer out = ByteBuffer.allocate(NO_CONTENT.length * answers);
        for (int i = 0; i < answers; i++) out.put(NO_CONTENT);
        out.flip();
        while (out.hasRemaining()) {
          if (channel.write(out) == 0) Thread.onSpinWait(); // the node reads its answers: this clears at once
        }
      }
    }

    /** The body as a decimal number; -1 when it is not one. */
    private static long number(byte[] in, int from, int to) {
      long value = 0;
      boolean digits = false;
      for (int i = from; i < to; i++) {
        byte b = in[i];
        if (b >= '0' && b <= '9') {
          value = value * 10 + (b - '0');
          digits = true;
        } else if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
          return -1;
        }
      }
      return digits ? value : -1;
    }
  }

  @Override
  public void close() throws InterruptedException {
    closing = true;
    selector.wakeup();
    loop.join(5_000);
  }
}
