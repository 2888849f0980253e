package dev.idvstreams.aliyun;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Small fake JPGs (the JPEG start-of-image bytes) carrying simulator markers and a unique tail. */
public final class TestImages {

  private TestImages() {}

  public static byte[] jpg(String markers) {
    byte[] text = (" " + markers + " " + UUID.randomUUID() + " ").getBytes(StandardCharsets.ISO_8859_1);
    byte[] image = new byte[4 + text.length];
    image[0] = (byte) 0xFF;
    image[1] = (byte) 0xD8;
    image[2] = (byte) 0xFF;
    image[3] = (byte) 0xE0;
    System.arraycopy(text, 0, image, 4, text.length);
    return image;
  }

  /** A URL unique to this call, with the markers in its path. */
  public static String url(String markers) {
    return "https://img.example.test/" + UUID.randomUUID() + "/" + markers + ".jpg";
  }
}
