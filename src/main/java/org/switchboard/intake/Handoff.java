package org.switchboard.intake;

import org.jdbi.v3.core.Handle;
import org.switchboard.model.Conversation;
import org.switchboard.model.Event;

/**
 * A worker on this node that takes an accepted event at once. The event is stored already leased to it, in the
 * intake's own transaction, so it skips the separate claim: one commit fewer between a trigger call and its answer.
 * Or its first turn runs inline, before that transaction, and is stored with it. Only the first event of a
 * conversation started by that event qualifies, since nothing can come before it.
 */
public interface Handoff {
  /**
   * A free slot of a running worker, or null. Exactly one of {@code run}, {@code cancel} or an inline turn's
   * {@code committed} must follow.
   */
  Reservation reserve();

  interface Reservation {
    String owner();

    long leaseUntil(long now);

    /**
     * The first turn of a conversation that nobody else can see yet, run now, before anything is stored; null when
     * the turn would call out or fails (the event then takes the leased way, {@link #run}). Intake writes the turn
     * in its own transaction: one commit for acceptance and completion, no queue entry.
     */
    InlineTurn runInline(Event accepted, Conversation conversation);

    /**
     * After the commit that stored the event leased to {@link #owner()}: the event as stored and the conversation
     * it started, so the worker need not read back what intake just wrote.
     */
    void run(Event event, Conversation conversation);

    /** The event was not stored leased (or not at all): the slot goes back. */
    void cancel();
  }

  /** A turn run inline ({@link Reservation#runInline}), to be stored with its event. */
  interface InlineTurn {
    /**
     * Inside intake's transaction: stores the conversation as the turn left it, the event, finished, and all the turn
     * produced (messages, notifications, from the conversation's start on), and returns the event. May run twice if
     * the batch is run again.
     */
    Event write(Handle h);

    /** After that commit: wakes whoever waits for the event and gives the slot back. */
    void committed();
  }

  Handoff NONE = () -> null;
}
