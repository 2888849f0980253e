package dev.idvstreams.aliyun;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which addresses an image download may connect to: public ones only, unless private addresses are
 * allowed. Refused: unspecified, loopback, link-local (169.254.0.0/16 holds cloud metadata services),
 * site-local (10/8, 172.16/12, 192.168/16), carrier-grade NAT (100.64/10), "this network" (0/8),
 * multicast, and IPv6 unique-local (fc00::/7).
 */
final class AddressPolicy {

  private AddressPolicy() {}

  static boolean isPublic(InetAddress address) {
    if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
        || address.isSiteLocalAddress() || address.isMulticastAddress()) {
      return false;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return first != 0 && !(first == 100 && second >= 64 && second <= 127);
    }
    return !(address instanceof Inet6Address) || (b[0] & 0xfe) != 0xfc;
  }
}
