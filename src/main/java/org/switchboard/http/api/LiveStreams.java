package org.switchboard.http.api;

import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.switchboard.delivery.FeedFollower;
import org.switchboard.model.Notification;

/**
 * What every live stream shares: Server-Sent Events framing, and the threads of open streams (SSE and WebSocket),
 * so a graceful stop can end them instead of waiting for idle clients.
 */
public final class LiveStreams {
  private static final String FOLLOWER = "switchboard.follower";
  private final Set<Thread> open = ConcurrentHashMap.newKeySet();

  /** An SSE stream on the current thread: headers, a first comment, then {@code body} until the client leaves. */
  public void serveSse(Context ctx, SseBody body) {
    ctx.res().setStatus(200);
    ctx.res().setContentType("text/event-stream;charset=utf-8");
    ctx.res().setHeader("Cache-Control", "no-cache");
    ctx.res().setHeader("X-Accel-Buffering", "no");
    open.add(Thread.currentThread());
    try {
      Sse sse = new Sse(ctx.res().getOutputStream());
      sse.comment("connected");
      body.run(sse);
    } catch (IOException clientGone) {
      // the client went away
    } finally {
      open.remove(Thread.currentThread());
    }
  }

  public interface SseBody {
    void run(Sse sse) throws IOException;
  }

  /** One SSE connection's output. */
  public static final class Sse {
    private final OutputStream out;

    Sse(OutputStream out) { this.out = out; }

    public void event(long id, String event, String data) throws IOException {
      write("id: " + id + "\nevent: " + event + "\ndata: " + data + "\n\n");
    }

    public void comment(String text) throws IOException { write(": " + text + "\n\n"); }

    private void write(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  /**
   * Follows a project's feed on a WebSocket, on a tracked virtual thread, until the socket closes: every notification
   * that passes {@code filter} is sent as {@code frame(n)}. Automatic pings keep the socket alive.
   */
  public void followOnSocket(WsContext ws, FeedFollower follower, String projectId, long afterSeq,
                             Predicate<Notification> filter, Function<Notification, String> frame) {
    ws.enableAutomaticPings(15, TimeUnit.SECONDS);
    Thread thread = startTracked("ws-feed", () -> {
      try {
        follower.follow(projectId, afterSeq, filter, new FeedFollower.Sink() {
          @Override
          public void send(Notification n) { ws.send(frame.apply(n)); }

          @Override
          public void idle() {
            // automatic pings keep the socket alive
          }
        });
      } catch (IOException | RuntimeException closed) {
        // the socket closed
      }
    });
    ws.attribute(FOLLOWER, thread);
  }

  /** Ends the follower of a closed or failed socket. */
  public static void stopFollowing(WsContext ws) {
    Thread thread = ws.attribute(FOLLOWER);
    if (thread != null) thread.interrupt();
  }

  private Thread startTracked(String name, Runnable work) {
    Thread thread = Thread.ofVirtual().name(name).unstarted(() -> {
      try {
        work.run();
      } finally {
        open.remove(Thread.currentThread());
      }
    });
    open.add(thread);
    thread.start();
    return thread;
  }

  /** Ends every open stream (shutdown). */
  public void closeAll() { open.forEach(Thread::interrupt); }
}
