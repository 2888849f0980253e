package dev.idvstreams.check;

import dev.idvstreams.aliyun.ImageSource;
import dev.idvstreams.avro.Image;
import java.nio.ByteBuffer;

/** The event's {@link Image} as the client's {@link ImageSource}. */
final class Images {

  private Images() {}

  /** Validation has made sure exactly one of url or content is set. */
  static ImageSource source(Image image) {
    if (image.getUrl() != null) {
      return ImageSource.ofUrl(image.getUrl());
    }
    ByteBuffer content = image.getContent().duplicate();
    byte[] bytes = new byte[content.remaining()];
    content.get(bytes);
    return ImageSource.ofBytes(bytes);
  }
}
