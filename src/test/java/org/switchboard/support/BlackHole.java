package org.switchboard.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder on loopback that can go silent: while silent it keeps every connection open and accepts new ones
 * but passes nothing on, as a server does that vanished without closing its sockets (a failover that moved its
 * address, a cut network). Bytes sent meanwhile are dropped. {@link #restore} closes what was cut and forwards anew.
 */
public final class BlackHole implements AutoCloseable {
  private final ServerSocket listener;
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean silent;

  public BlackHole(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::accept);
  }

  public int port() { return listener.getLocalPort(); }

  public void silence() { silent = true; }

  /** Closes every connection of the silence (their bytes are lost), then forwards again. */
  public void restore() {
    for (Socket s : open) close(s);
    open.clear();
    silent = false;
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = silent ? null : new Socket(targetHost, targetPort);
        open.add(client);
        if (server != null) open.add(server);
        Thread.ofVirtual().start(() -> pump(client, server));
        if (server != null) Thread.ofVirtual().start(() -> pump(server, client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** Copies {@code from} to {@code to} while not silent; while silent reads and drops. */
  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to == null ? null : to.getOutputStream();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        if (!silent && out != null) out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // closed by either side or by restore
    } finally {
      close(from);
      if (to != null && !silent) close(to);
    }
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : open) close(s);
  }
}
