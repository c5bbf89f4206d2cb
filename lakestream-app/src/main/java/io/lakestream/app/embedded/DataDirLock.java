package io.lakestream.app.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a data directory, so two Lakestream processes never share one Kafka log,
 * checkpoint folder and lake. The OS releases it if the process dies.
 */
public final class DataDirLock implements AutoCloseable {

  static final String FILE = ".lakestream.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock or fails with a message naming the process that holds it.
   *
   * @throws IllegalStateException when another process (or this one) already holds it
   */
  public static DataDirLock acquire(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve(FILE);
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
      channel.close();
      throw new IllegalStateException(
          "data directory "
              + dataDir
              + " is in use by another Lakestream"
              + (holder.isEmpty() ? "" : " (pid " + holder + ")")
              + ". Stop it, or start this one with another --data-dir.");
    }
    channel.truncate(0);
    channel.write(
        java.nio.ByteBuffer.wrap(
            Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
    channel.force(false);
    return new DataDirLock(channel, lock);
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
