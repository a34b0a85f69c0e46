package org.switchboard.catalog;

/** Keys derived from names: letters, digits, '-' and '_', at most 64 characters. */
final class Slugs {
  private Slugs() {}

  static String of(String name, String fallback) {
    String slug = name.toLowerCase().replaceAll("[^a-z0-9_-]+", "-").replaceAll("^-+|-+$", "");
    if (slug.length() > 64) slug = slug.substring(0, 64).replaceAll("-+$", "");
    return slug.isEmpty() ? fallback : slug;
  }
}
