package org.switchboard.model;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Values made from their key and kept, for keys that are few in practice (compiled expressions and schemas, keyed
 * secrets, parsed URLs) but come from users: past its bound the cache is simply emptied, so it cannot grow without
 * end, and it fills again with what is in use.
 */
public final class BoundedCache<K, V> {
  /** Makes the value of a key that is not cached. */
  public interface Maker<K, V, X extends Exception> {
    V make(K key) throws X;
  }

  private final Map<K, V> values = new ConcurrentHashMap<>();
  private final int bound;

  public BoundedCache(int bound) { this.bound = bound; }

  /** The key's value, made once; two threads may both make a missing one, and either is kept. */
  public <X extends Exception> V get(K key, Maker<? super K, ? extends V, X> maker) throws X {
    V value = values.get(key);
    if (value == null) {
      value = maker.make(key);
      if (values.size() >= bound) values.clear();
      values.put(key, value);
    }
    return value;
  }
}
