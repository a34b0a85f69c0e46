package org.switchboard;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The embedded database's directory: usable, and held by one node at a time. */
final class DataDir {
  private DataDir() {}

  /**
   * Creates the directory if missing and locks it for this node until the returned handle is closed. A second node
   * on the same file would share its rows but not its in-memory signals (a waiting trigger call could wait for an
   * event the other node ran), so it is refused; the operating system drops the lock when a node dies.
   */
  static Closeable claim(Path dir) {
    usable(dir);
    FileChannel channel = null;
    try {
      channel = FileChannel.open(dir.resolve("switchboard.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock != null) return channel;
    } catch (OverlappingFileLockException e) {
      // held by another node in this same JVM (tests, embedders)
    } catch (IOException e) {
      throw invalid(dir, "its lock file cannot be opened (" + e + ")");
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // the refusal below is what matters
    }
    throw invalid(dir, "another Switchboard node is using it (stop that node first)");
  }

  private static void usable(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw invalid(dir, "it is a file, not a directory");
    } catch (IOException e) {
      throw invalid(dir, "it cannot be created (" + e + ")");
    }
    if (!Files.isWritable(dir)) throw invalid(dir, "it is not writable");
  }

  private static Config.Invalid invalid(Path dir, String problem) {
    return new Config.Invalid("the data directory " + dir + " cannot be used: " + problem
        + "; choose another with --data-dir (SWITCHBOARD_DATA_DIR)");
  }
}
