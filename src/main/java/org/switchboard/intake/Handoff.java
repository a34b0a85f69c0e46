package org.switchboard.intake;

import org.switchboard.model.Conversation;
import org.switchboard.model.Event;

/**
 * A worker on this node that takes an accepted event at once. The event is stored already leased to it, in the
 * intake's own transaction, so it skips the separate claim: one commit fewer between a trigger call and its answer.
 * Only the first event of a conversation started by that event qualifies, since nothing can come before it.
 */
public interface Handoff {
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

  Handoff NONE = () -> null;
}
