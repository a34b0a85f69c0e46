package org.switchboard.http.api;

import io.javalin.http.Context;
import java.util.List;
import org.switchboard.delivery.Notifier;
import org.switchboard.model.Json;
import org.switchboard.model.Message;
import org.switchboard.model.Views;
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
  private final LiveStreams streams;

  public MessageStream(Database db, Notifier notifier, LiveStreams streams) {
    this.db = db;
    this.notifier = notifier;
    this.streams = streams;
  }

  public void serve(Context ctx, String conversationId, long afterSeq) {
    streams.serveSse(ctx, sse -> {
      long last = afterSeq;
      try (Notifier.Ticket ticket = notifier.ticket(Notifier.conversationKey(conversationId))) {
        while (!Thread.currentThread().isInterrupted()) {
          long from = last;
          List<Message> batch = db.read(h -> ConversationStore.messagesAfter(h, conversationId, from, BATCH));
          for (Message m : batch) {
            sse.event(m.seq(), "message", Json.write(Views.message(m)));
            last = m.seq();
          }
          if (batch.size() == BATCH) continue;
          if (!ticket.await(KEEPALIVE_MS)) sse.comment("keep-alive");
        }
      }
    });
  }
}
