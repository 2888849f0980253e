package dev.idvstreams.aliyun;

import java.util.Objects;

/** An image given by exactly one of a URL or its bytes; {@link #toString()} shows neither content nor URL. */
public final class ImageSource {

  private final String url;
  private final byte[] content;

  private ImageSource(String url, byte[] content) {
    this.url = url;
    this.content = content;
  }

  public static ImageSource ofUrl(String url) {
    return new ImageSource(Objects.requireNonNull(url, "url"), null);
  }

  public static ImageSource ofBytes(byte[] content) {
    return new ImageSource(null, Objects.requireNonNull(content, "content").clone());
  }

  public boolean isUrl() {
    return url != null;
  }

  /** The URL, or null when the image is given by its bytes. */
  public String url() {
    return url;
  }

  /** A copy of the bytes, or null when the image is given by URL. */
  public byte[] content() {
    return content == null ? null : content.clone();
  }

  @Override
  public String toString() {
    return isUrl() ? "ImageSource[url]" : "ImageSource[" + content.length + " bytes]";
  }
}
