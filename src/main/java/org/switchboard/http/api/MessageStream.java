package org.switchboard.http.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.switchboard.delivery.Notifier;
import org.switchboard.model.Views;
import org.switchboard.model.Json;
import org.switchboard.model.Message;
import org.switchboard.store.ConversationStore;
import org.switchboard.store.Database;

/**
 * Server-Sent Events of a conversation's messages. Each event's id is the message seq; the stream reads the
 * message log after the last seq it sent, so a reconnect with Last-Event-ID has no gap and no repeat.
 */
public final class MessageStream {
  private static final long KEEPALIVE_MS = 15_000;
  private static final int BATCH = 200;
  private final Database db;
  private final Notifier notifier;
  private final Set<Thread> open = ConcurrentHashMap.newKeySet();

  public MessageStream(Database db, Notifier notifier) {
    this.db = db;
    this.notifier = notifier;
  }

  void serve(Context ctx, String conversationId, long afterSeq) {
    ctx.res().setStatus(200);
    ctx.res().setContentType("text/event-stream;charset=utf-8");
    ctx.res().setHeader("Cache-Control", "no-cache");
    ctx.res().setHeader("X-Accel-Buffering", "no");
    open.add(Thread.currentThread());
    long last = afterSeq;
    try (Notifier.Ticket ticket = notifier.ticket(Notifier.conversationKey(conversationId))) {
      OutputStream out = ctx.res().getOutputStream();
      write(out, ": connected\n\n");
      while (!Thread.currentThread().isInterrupted()) {
        long from = last;
        List<Message> batch = db.read(h -> ConversationStore.messagesAfter(h, conversationId, from, BATCH));
        for (Message m : batch) {
          write(out, "id: " + m.seq() + "\nevent: message\ndata: " + Json.write(Views.message(m)) + "\n\n");
          last = m.seq();
        }
        if (batch.size() == BATCH) continue;
        if (!ticket.await(KEEPALIVE_MS)) write(out, ": keep-alive\n\n");
      }
    } catch (IOException e) {
      // the client went away
    } finally {
      open.remove(Thread.currentThread());
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Ends every open stream (shutdown), so graceful stop does not wait for idle clients. */
  public void closeAll() {
    open.forEach(Thread::interrupt);
  }
}
