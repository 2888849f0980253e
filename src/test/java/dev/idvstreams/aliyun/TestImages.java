package dev.idvstreams.aliyun;

import dev.idvstreams.image.HeaderOnlyJpeg;
import java.util.UUID;

/** Small JPEG headers of a 640 × 480 photo, no pixels, carrying simulator markers and a unique tail in their comment. */
public final class TestImages {

  private TestImages() {}

  public static byte[] jpg(String markers) {
    return HeaderOnlyJpeg.of(640, 480, " " + markers + " " + UUID.randomUUID() + " ");
  }

  /** A URL unique to this call, with the markers in its path. */
  public static String url(String markers) {
    return "https://img.example.test/" + UUID.randomUUID() + "/" + markers + ".jpg";
  }
}
