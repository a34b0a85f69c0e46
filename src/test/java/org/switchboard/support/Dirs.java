package org.switchboard.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Scratch directories of tests and benches: removed when done, so that runs do not fill the disk. */
public final class Dirs {
  private Dirs() {}

  /** Removes {@code dir} and everything under it; what cannot be removed (already gone, in use) is left. */
  public static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: a scratch directory left behind is only disk
    }
  }

  /** Removes the directories under {@code dir} (nodes' data) and keeps its files (their logs, to read after a run). */
  public static void deleteSubdirectories(Path dir) {
    try (Stream<Path> children = Files.list(dir)) {
      children.filter(Files::isDirectory).forEach(Dirs::deleteTree);
    } catch (IOException | UncheckedIOException e) {
      // best effort, as above
    }
  }
}
