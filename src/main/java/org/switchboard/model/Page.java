package org.switchboard.model;

import java.util.List;

/** One page of a list: its items and the cursor of the next page, or null at the end. */
public record Page<T>(List<T> items, String nextCursor) {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;

  /** Fetch limit+1 rows; the extra one says whether another page exists. */
  public static <T> Page<T> of(List<T> rows, int limit, java.util.function.Function<T, String> cursorOf) {
    if (rows.size() <= limit) return new Page<>(rows, null);
    List<T> items = rows.subList(0, limit);
    return new Page<>(List.copyOf(items), cursorOf.apply(items.get(limit - 1)));
  }
}
