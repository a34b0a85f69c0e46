package org.switchboard.intake;

import org.jdbi.v3.core.Handle;
import org.switchboard.model.Conversation;
import org.switchboard.model.Event;

/**
 * The bot runtime of this node, taking an accepted event at once. Only the first event of a conversation started by
 * that event qualifies, since nothing can come before it. Its first turn runs inline, before intake's transaction,
 * and is stored with it. Or, when that turn would call out, the event is stored already leased to a worker with a
 * free slot, in the intake's own transaction, so it skips the separate claim: one commit fewer between a trigger call
 * and its answer.
 */
public interface Handoff {
  /**
   * The first turn of a conversation that nobody else can see yet, run now, before anything is stored; null when
   * the turn would call out or fails, or this node runs no bots (the event then takes the leased way or the queue).
   * Intake writes the turn in its own transaction: one commit for acceptance and completion, no queue entry. It
   * takes no worker slot, since it runs in the caller's thread and holds no lease: under load, events that only
   * talk keep this way instead of queueing behind the workers.
   */
  InlineTurn runInline(Event accepted, Conversation conversation);

  /** A free slot of a running worker, or null. Exactly one of {@code run} or {@code cancel} must follow. */
  Reservation reserve();

  interface Reservation {
    String owner();

    long leaseUntil(long now);

    /**
     * After the commit that stored the event leased to {@link #owner()}: the event as stored and the conversation
     * it started, so the worker need not read back what intake just wrote.
     */
    void run(Event event, Conversation conversation);

    /** The event was not stored leased (or not at all): the slot goes back. */
    void cancel();
  }

  /** A turn run inline ({@link #runInline}), to be stored with its event. */
  interface InlineTurn {
    /**
     * Inside intake's transaction: stores the conversation as the turn left it, the event, finished, and all the turn
     * produced (messages, notifications, from the conversation's start on), and returns the event. May run twice if
     * the batch is run again.
     */
    Event write(Handle h);

    /** After that commit: wakes whoever waits for the event. */
    void committed();
  }

  Handoff NONE = new Handoff() {
    @Override
    public InlineTurn runInline(Event accepted, Conversation conversation) { return null; }

    @Override
    public Reservation reserve() { return null; }
  };
}
