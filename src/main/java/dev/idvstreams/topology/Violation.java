package dev.idvstreams.topology;

/** One way a request breaks a documented API limit; the code becomes the dead letter's error code. */
public record Violation(String code, String message) {

  @Override
  public String toString() {
    return code + ": " + message;
  }
}
