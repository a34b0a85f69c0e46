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
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedded database's directory: usable, and held by one node at a time. */
final class DataDir {
  private static final Logger LOG = LoggerFactory.getLogger(DataDir.class);

  private DataDir() {}

  /**
   * Creates the directory if missing (readable by this user only) and locks it for this node until the returned
   * handle is closed. A second node on the same file would share its rows but not its in-memory signals (a waiting
   * trigger call could wait for an event the other node ran), so it is refused; the operating system drops the lock
   * when a node dies.
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
      if (!Files.isDirectory(dir)) create(dir);
      else if (readableByOthers(dir)) {
        LOG.warn("the data directory {} can be read by other users of this machine, and it holds every conversation;"
            + " chmod 700 it", dir);
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) throw invalid(dir, "it is a file, not a directory"); // else made meanwhile
    } catch (IOException e) {
      throw invalid(dir, "it cannot be created (" + e + ")");
    }
    if (!Files.isWritable(dir)) throw invalid(dir, "it is not writable");
  }

  /** A new data directory is private to this user: it holds every conversation and contact. */
  private static void create(Path dir) throws IOException {
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      try {
        Files.createDirectories(parent);
      } catch (FileAlreadyExistsException e) {
        throw new IOException(parent + " is not a directory");
      }
    }
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException e) {
      Files.createDirectory(dir); // not a POSIX file system
    }
  }

  private static boolean readableByOthers(Path dir) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
      return permissions.contains(PosixFilePermission.OTHERS_READ) || permissions.contains(PosixFilePermission.OTHERS_EXECUTE);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static Config.Invalid invalid(Path dir, String problem) {
    return new Config.Invalid("the data directory " + dir + " cannot be used: " + problem
        + "; choose another with --data-dir (SWITCHBOARD_DATA_DIR)");
  }
}
