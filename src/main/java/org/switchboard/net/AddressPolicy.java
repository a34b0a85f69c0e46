package org.switchboard.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Where outbound calls (skills, HTTP steps, webhooks) may go. Unless the operator allows private targets, a host
 * that resolves to a loopback, private, link-local, unique-local, shared, multicast or cloud metadata address is
 * refused. Every address the name resolves to is checked, so one private answer is enough to refuse.
 */
public final class AddressPolicy {
  public static final class Refused extends Exception {
    public Refused(String message) { super(message, null, false, false); }
  }

  private final boolean allowPrivate;

  public AddressPolicy(boolean allowPrivate) { this.allowPrivate = allowPrivate; }

  public boolean allowPrivate() { return allowPrivate; }

  /** Checks the URL's scheme and host; throws {@link Refused} with the reason. */
  public void check(URI uri) throws Refused {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    if (!scheme.equals("http") && !scheme.equals("https")) throw new Refused("only http and https URLs are allowed: " + uri);
    String host = uri.getHost();
    if (host == null || host.isEmpty()) throw new Refused("the URL has no host: " + uri);
    if (allowPrivate) return;
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new Refused("cannot resolve " + host);
    }
    for (InetAddress address : addresses) {
      if (isPrivate(address)) {
        throw new Refused(host + " resolves to " + address.getHostAddress()
            + ", a private address; set SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE=true to allow it");
      }
    }
  }

  public static boolean isPrivate(InetAddress address) {
    if (address instanceof Inet6Address v6) {
      byte[] b = v6.getAddress();
      if (isMappedV4(b)) return isPrivateV4(new byte[] {b[12], b[13], b[14], b[15]});
      if ((b[0] & 0xfe) == 0xfc) return true; // fc00::/7 unique local
      if (b[0] == 0x20 && b[1] == 0x02) return isPrivateV4(new byte[] {b[2], b[3], b[4], b[5]}); // 6to4
      if (b[0] == 0x00 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b) {
        return isPrivateV4(new byte[] {b[12], b[13], b[14], b[15]}); // NAT64
      }
    }
    if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
        || address.isSiteLocalAddress() || address.isMulticastAddress()) {
      return true;
    }
    return address instanceof Inet4Address && isPrivateV4(address.getAddress());
  }

  private static boolean isMappedV4(byte[] b) {
    for (int i = 0; i < 10; i++) if (b[i] != 0) return false;
    return (b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0 && (b[12] | b[13]) != 0);
  }

  private static boolean isPrivateV4(byte[] b) {
    int a = b[0] & 0xff;
    int second = b[1] & 0xff;
    return a == 0 || a == 10 || a == 127 || a >= 224
        || (a == 169 && second == 254)               // link-local, cloud metadata
        || (a == 172 && second >= 16 && second <= 31)
        || (a == 192 && second == 168)
        || (a == 100 && second >= 64 && second <= 127) // carrier-grade NAT
        || (a == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
        || (a == 198 && (second == 18 || second == 19)); // benchmarking
  }
}
