package dev.idvstreams.aliyun;

/**
 * What may stand for personal data in a log line (README.md#personal-data-and-secrets). ID numbers are shown as the
 * reference documents show them, the last four characters replaced by {@code ****}
 * ({@code 02343218901123****}); names and images have no loggable form at all.
 */
public final class Masking {

  private static final String MASK = "****";

  private Masking() {}

  public static String idNumber(String idNumber) {
    if (idNumber == null) {
      return null;
    }
    if (idNumber.length() <= MASK.length()) {
      return MASK;
    }
    return idNumber.substring(0, idNumber.length() - MASK.length()) + MASK;
  }

  /** A name, in a {@code toString}: only whether there is one. */
  public static String name(String name) {
    return name == null ? null : "<name>";
  }
}
