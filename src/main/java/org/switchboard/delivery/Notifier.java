package org.switchboard.delivery;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * In-process wake-ups: a caller waiting for an event to finish, or a stream waiting for a conversation's next
 * message, sleeps here instead of polling hard. Waiters still re-read the database, which stays the truth (and
 * covers work done on another node), so a missed signal only costs latency. With several nodes a relay carries
 * each signal to the others ({@link ClusterSignals}).
 */
public final class Notifier {
  private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
  private volatile Consumer<String> relay = key -> {};

  private static final class Topic {
    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    long version;
    int waiters;
  }

  public void eventFinished(String eventId) { signal(eventKey(eventId)); }

  public void conversationChanged(String conversationId) { signal(conversationKey(conversationId)); }

  /**
   * An event that started its conversation and finished before it was acknowledged (an inline turn). Nobody on
   * another node can wait for either yet, since neither id was known before the commit, so only this node hears of
   * them; that saves the relay two keys an event. The feed's change still goes everywhere.
   */
  public void startedAndFinishedHere(String eventId, String conversationId) {
    signalLocally(eventKey(eventId));
    signalLocally(conversationKey(conversationId));
  }

  /** New notifications in a project's feed: wakes its streams. */
  public void feedChanged(String projectId) { signal(feedKey(projectId)); }

  /**
   * Deliveries may be due: wakes the dispatchers. Raised by whatever makes one due (a delivery stored unleased, a
   * retry by hand, a subscription enabled, an ordered delivery's predecessor done), not by every feed change: most
   * new deliveries are handed to a dispatcher directly. Retries fall due by time and are found by its poll.
   */
  public void deliveriesDue() { signal(DELIVERIES); }

  /** Registers interest before the caller checks the database, so a signal in between is not lost. */
  public Ticket ticket(String key) {
    Topic topic = topics.compute(key, (k, t) -> {
      Topic topicNow = t == null ? new Topic() : t;
      topicNow.waiters++;
      return topicNow;
    });
    return new Ticket(key, topic, topic.version);
  }

  /** Whether anyone on this node holds a ticket for the key now. */
  public boolean watched(String key) { return topics.containsKey(key); }

  public final class Ticket implements AutoCloseable {
    private final String key;
    private final Topic topic;
    private long seen;

    private Ticket(String key, Topic topic, long seen) {
      this.key = key;
      this.topic = topic;
      this.seen = seen;
    }

    /** Waits for a signal newer than the last one seen; returns false on timeout. */
    public boolean await(long millis) {
      topic.lock.lock();
      try {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (topic.version == seen) {
          long left = deadline - System.nanoTime();
          if (left <= 0) return false;
          topic.changed.awaitNanos(left);
        }
        seen = topic.version;
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } finally {
        topic.lock.unlock();
      }
    }

    @Override
    public void close() {
      topics.computeIfPresent(key, (k, t) -> --t.waiters <= 0 ? null : t);
    }
  }

  /** Every signal raised here is also handed to {@code relay} (for the other nodes). */
  public void relayTo(Consumer<String> relay) { this.relay = relay; }

  /** A signal raised on another node: wakes local waiters only. */
  public void received(String key) { signalLocally(key); }

  /** Signals from other nodes may have been missed (a lost connection): every waiter re-reads. */
  public void receivedAll() {
    for (String key : topics.keySet()) signalLocally(key);
  }

  private void signal(String key) {
    signalLocally(key);
    relay.accept(key);
  }

  private void signalLocally(String key) {
    Topic topic = topics.get(key);
    if (topic == null) return;
    topic.lock.lock();
    try {
      topic.version++;
      topic.changed.signalAll();
    } finally {
      topic.lock.unlock();
    }
  }

  public static final String DELIVERIES = "deliveries";

  public static String eventKey(String eventId) { return "e:" + eventId; }

  public static String feedKey(String projectId) { return "f:" + projectId; }

  public static String conversationKey(String conversationId) { return "c:" + conversationId; }
}
