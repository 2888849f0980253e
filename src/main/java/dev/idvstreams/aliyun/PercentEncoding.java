package dev.idvstreams.aliyun;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The percent-encoding of Alibaba Cloud's RPC canonical strings (RFC 3986 unreserved characters kept,
 * everything else as {@code %XX} of its UTF-8 bytes): {@code URLEncoder} plus the three fixes the
 * official SDKs apply ({@code +} to {@code %20}, {@code *} to {@code %2A}, {@code %7E} back to {@code ~}).
 */
public final class PercentEncoding {

  private PercentEncoding() {}

  public static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8)
        .replace("+", "%20")
        .replace("*", "%2A")
        .replace("%7E", "~");
  }
}
