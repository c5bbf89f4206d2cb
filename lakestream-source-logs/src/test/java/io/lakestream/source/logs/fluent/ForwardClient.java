package io.lakestream.source.logs.fluent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/** A bare forward-protocol client over a socket, for driving the server in tests. */
final class ForwardClient implements AutoCloseable {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private final Socket socket;
  private final InputStream in;
  private final MessageUnpacker acks;

  ForwardClient(int port) {
    try {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
      in = socket.getInputStream();
      acks = MessagePack.newDefaultUnpacker(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ForwardClient send(byte[]... entries) {
    try {
      for (byte[] e : entries) {
        socket.getOutputStream().write(e);
      }
      socket.getOutputStream().flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads the next ack response and returns its chunk id; fails after 10 s. */
  String readAck() {
    try {
      int n = acks.unpackMapHeader();
      String chunk = null;
      for (int i = 0; i < n; i++) {
        String key = acks.unpackString();
        if (key.equals("ack")) {
          chunk = acks.unpackString();
        } else {
          acks.skipValue();
        }
      }
      if (chunk == null) {
        throw new AssertionError("a response without ack");
      }
      return chunk;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Whether any byte arrives within {@code wait}. A blocking read with a timeout: waiting for a
   * message that must not come, not sleeping.
   */
  boolean receivesWithin(Duration wait) {
    try {
      socket.setSoTimeout((int) wait.toMillis());
      try {
        return acks.hasNext();
      } catch (SocketTimeoutException e) {
        return false;
      } finally {
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
      }
    } catch (IOException e) {
      return true; // a reset is a reaction too
    }
  }

  /** Whether the server closed the connection (end of stream or reset) within 10 s. */
  boolean closedByServer() {
    try {
      return !acks.hasNext();
    } catch (SocketException e) {
      return true; // connection reset
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
