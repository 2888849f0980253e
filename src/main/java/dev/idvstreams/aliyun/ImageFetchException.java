package dev.idvstreams.aliyun;

/** An image that could not be downloaded: a code naming the guard or the failure, and its class. The message never holds the URL. */
public final class ImageFetchException extends RuntimeException {

  private final String code;
  private final ErrorClass errorClass;

  public ImageFetchException(String code, ErrorClass errorClass, String detail) {
    super("image download failed: " + code + (detail == null ? "" : " (" + detail + ")"));
    this.code = code;
    this.errorClass = errorClass;
  }

  public String code() {
    return code;
  }

  public ErrorClass errorClass() {
    return errorClass;
  }
}
