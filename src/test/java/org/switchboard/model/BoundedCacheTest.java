package org.switchboard.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedCacheTest {
  @Test
  void makesEachValueOnceAndEmptiesItselfPastItsBound() {
    BoundedCache<Integer, String> cache = new BoundedCache<>(3);
    AtomicInteger made = new AtomicInteger();
    for (int round = 0; round < 2; round++) {
      for (int k = 0; k < 3; k++) assertThat(cache.get(k, key -> "v" + key + "#" + made.incrementAndGet())).startsWith("v" + k);
    }
    assertThat(made).hasValue(3);
    cache.get(3, key -> "v3#" + made.incrementAndGet()); // past the bound: the cache starts over
    assertThat(cache.get(0, key -> "v0#" + made.incrementAndGet())).isEqualTo("v0#5");
  }

  @Test
  void aValueThatCannotBeMadeIsNotKept() {
    BoundedCache<String, String> cache = new BoundedCache<>(10);
    assertThatThrownBy(() -> cache.get("k", key -> { throw new java.io.IOException("no"); })).hasMessage("no");
    assertThat(cache.get("k", key -> "made")).isEqualTo("made");
  }
}
