package org.switchboard.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.Retainable;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * A reproducer for Jetty alone (no Switchboard code): after a refused request head (414), HttpConnection reads one
 * connection on two threads at once and uses its request buffer after releasing it (docs/decisions.md, "Jetty's
 * request buffer used after its release"). Plain Jetty server, an echo handler, clients on loopback that mix
 * over-long URIs with well-formed echo requests, each on its own connection.
 *
 * <p>Counts, per run: onFillable entered on a thread while another thread is still in it for the same connection;
 * request buffers released twice or used after their last release (probe pool, which never reuses a buffer); and
 * answers other than asked for (with {@code pool=jetty}, where a buffer released early goes to someone else). The
 * report to Jetty with its figures: docs/upstream/jetty-bad-message-race.md.
 *
 * <p>Arguments ({@code key=value}): {@code seconds} (60), {@code clients} (8), {@code pool} ({@code probe} or
 * {@code jetty}), {@code threads} ({@code virtual} or {@code platform}). Exits 1 when it saw any of these.
 */
public final class JettyBufferRace {
  private static final int URI_OVER_LIMIT = 9_000;
  private static final LongAdder overlaps = new LongAdder();
  private static final LongAdder usesAfterRelease = new LongAdder();
  private static final AtomicReference<String> firstUseAfterRelease = new AtomicReference<>();
  private static final AtomicReference<String> firstOverlap = new AtomicReference<>();
  private static final LongAdder releasedTwice = new LongAdder();
  private static final AtomicReference<String> firstReleasedTwice = new AtomicReference<>();
  private static final LongAdder wrongAnswers = new LongAdder();
  private static final AtomicReference<String> firstWrongAnswer = new AtomicReference<>();
  private static final LongAdder refused = new LongAdder();
  private static final LongAdder echoed = new LongAdder();

  public static void main(String[] args) throws Exception {
    int seconds = Integer.parseInt(arg(args, "seconds", "60"));
    int clients = Integer.parseInt(arg(args, "clients", "8"));
    boolean probe = arg(args, "pool", "probe").equals("probe");
    boolean virtual = arg(args, "threads", "virtual").equals("virtual");

    ThreadPool threads = virtual ? new VirtualThreadPool() : new QueuedThreadPool();
    Server server = new Server(threads);
    ByteBufferPool buffers = probe ? new ProbePool() : new ArrayByteBufferPool();
    ServerConnector connector = new ServerConnector(server, null, null, buffers, -1, -1,
        new WatchedConnectionFactory(new HttpConfiguration()));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new Echo());
    server.start();
    int port = connector.getLocalPort();
    System.out.printf("Jetty %s, %s threads, %s pool, %d clients for %d s on 127.0.0.1:%d%n",
        Server.getVersion(), virtual ? "virtual" : "platform", probe ? "probe (never reuses)" : "Jetty's",
        clients, seconds, port);

    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Thread> running = new ArrayList<>();
    for (int i = 0; i < clients; i++)
      running.add(Thread.ofPlatform().name("client-" + i).start(() -> load(port, end)));
    for (Thread t : running) t.join();
    server.stop();

    System.out.printf("requests: %d refused (414) + %d echoed%n", refused.sum(), echoed.sum());
    System.out.printf("onFillable on two threads at once for one connection: %d%n", overlaps.sum());
    System.out.printf("buffers used after their release: %d, released twice: %d%n",
        usesAfterRelease.sum(), releasedTwice.sum());
    System.out.printf("answers other than asked for: %d%n", wrongAnswers.sum());
    if (firstOverlap.get() != null) System.out.println(firstOverlap.get());
    if (firstUseAfterRelease.get() != null) System.out.println(firstUseAfterRelease.get());
    if (firstReleasedTwice.get() != null) System.out.println(firstReleasedTwice.get());
    if (firstWrongAnswer.get() != null) System.out.println("first wrong answer: " + firstWrongAnswer.get());
    boolean seen = overlaps.sum() + usesAfterRelease.sum() + releasedTwice.sum() + wrongAnswers.sum() > 0;
    System.exit(seen ? 1 : 0);
  }

  private static String arg(String[] args, String key, String fallback) {
    for (String a : args) if (a.startsWith(key + "=")) return a.substring(key.length() + 1);
    return fallback;
  }

  private static void load(int port, long end) {
    byte[] refusedHead = ("POST /?q=" + "x".repeat(URI_OVER_LIMIT) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Length: 2000\r\n\r\n" + "b".repeat(2000)).getBytes(StandardCharsets.US_ASCII);
    while (System.nanoTime() < end) {
      try {
        if (ThreadLocalRandom.current().nextBoolean()) {
          String answer = exchange(port, refusedHead);
          refused.increment();
          if (!answer.startsWith("HTTP/1.1 414 ")) wrong("to an over-long URI", answer);
        } else {
          String token = Long.toHexString(ThreadLocalRandom.current().nextLong());
          String request = "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + token.length()
              + "\r\nConnection: close\r\n\r\n" + token;
          String answer = exchange(port, request.getBytes(StandardCharsets.US_ASCII));
          echoed.increment();
          if (!answer.startsWith("HTTP/1.1 200 ") || !answer.endsWith("\r\n\r\n" + token))
            wrong("to an echo of " + token, answer);
        }
      } catch (IOException e) {
        wrong("to a request", "I/O error: " + e);
      }
    }
  }

  private static String exchange(int port, byte[] request) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request);
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      try {
        in.transferTo(answer);
      } catch (IOException reset) {
        // Jetty may reset a refused connection while the rest of its body is unread; the answer is already in.
      }
      return answer.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static void wrong(String what, String answer) {
    wrongAnswers.increment();
    String shown = answer.length() > 300 ? answer.substring(0, 300) + "..." : answer;
    firstWrongAnswer.compareAndSet(null, what + ": [" + shown + "]");
  }

  private static String trace(Object what, StackTraceElement[] stack) {
    StringBuilder out = new StringBuilder(String.valueOf(what)).append('\n');
    Arrays.stream(stack)
        .filter(frame -> !frame.getClassName().startsWith(JettyBufferRace.class.getName()))
        .limit(16)
        .forEach(frame -> out.append("    at ").append(frame).append('\n'));
    return out.toString();
  }

  /** Answers 200 with the request's body. */
  private static final class Echo extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      String body = Content.Source.asString(request, StandardCharsets.US_ASCII);
      response.setStatus(200);
      Content.Sink.write(response, true, body, callback);
      return true;
    }
  }

  /** HttpConnection counting entries into onFillable while another thread is still in it. */
  private static final class WatchedConnectionFactory extends HttpConnectionFactory {
    WatchedConnectionFactory(HttpConfiguration config) {
      super(config);
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
      HttpConnection connection = new HttpConnection(getHttpConfiguration(), connector, endPoint) {
        private final AtomicInteger readers = new AtomicInteger();
        private volatile Thread reader;

        @Override
        public void onFillable() {
          Thread other = reader;
          if (readers.incrementAndGet() > 1) {
            overlaps.increment();
            if (other != null && firstOverlap.get() == null)
              firstOverlap.compareAndSet(null, trace(other, other.getStackTrace()));
          } else {
            reader = Thread.currentThread();
          }
          try {
            super.onFillable();
          } finally {
            readers.decrementAndGet();
          }
        }
      };
      return configure(connection, connector, endPoint);
    }
  }

  /** A fresh buffer for every acquire, never reused; any use after the last release is recorded with both stacks. */
  private static final class ProbePool implements ByteBufferPool {
    @Override
    public RetainableByteBuffer.Mutable acquire(int size, boolean direct) {
      Retainable.ReferenceCounter references = new Retainable.ReferenceCounter();
      return new Probe(new RetainableByteBuffer.FixedCapacity(BufferUtil.allocate(size, direct), references),
          references);
    }

    @Override
    public void clear() {}
  }

  private static final class Probe extends RetainableByteBuffer.Wrapper {
    private final Retainable.ReferenceCounter references;
    private final AtomicBoolean reported = new AtomicBoolean();
    private volatile Throwable releasedAt;

    Probe(RetainableByteBuffer.Mutable wrapped, Retainable.ReferenceCounter references) {
      super(wrapped);
      this.references = references;
    }

    private void check() {
      if (references.get() > 0 || !reported.compareAndSet(false, true)) return;
      usesAfterRelease.increment();
      Throwable used = new Throwable("used on " + Thread.currentThread());
      Throwable released = releasedAt;
      String release = released == null ? "released on a thread still in release()\n"
          : trace(released, released.getStackTrace());
      firstUseAfterRelease.compareAndSet(null, release + trace(used, used.getStackTrace()));
    }

    @Override
    public boolean release() {
      boolean last;
      try {
        last = super.release();
      } catch (IllegalStateException twice) {
        releasedTwice.increment();
        Throwable earlier = releasedAt;
        Throwable again = new Throwable("released again on " + Thread.currentThread());
        firstReleasedTwice.compareAndSet(null, (earlier == null ? "" : trace(earlier, earlier.getStackTrace()))
            + trace(again, again.getStackTrace()));
        throw twice;
      }
      if (last) releasedAt = new Throwable("released on " + Thread.currentThread());
      return last;
    }

    @Override
    public ByteBuffer getByteBuffer() {
      check();
      return super.getByteBuffer();
    }

    @Override
    public int remaining() {
      check();
      return super.remaining();
    }

    @Override
    public boolean hasRemaining() {
      check();
      return super.hasRemaining();
    }

    @Override
    public boolean isRetained() {
      check();
      return super.isRetained();
    }
  }
}
