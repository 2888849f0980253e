package dev.idvstreams.topology;

/**
 * The form of a mainland China citizen ID number (GB 11643): 17 digits and a check character,
 * ISO 7064 MOD 11-2 over the digits. VerifyMaterial checks such numbers against the authority, so a
 * number that cannot exist is refused before a billed call.
 */
final class IdCardNumber {

  static final int LENGTH = 18;
  private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  private static final String CHECK_CHARACTERS = "10X98765432";

  private IdCardNumber() {}

  /** Whether {@code number} is 18 characters whose last is the check character of the 17 digits before it. */
  static boolean isValid(String number) {
    if (number == null || number.length() != LENGTH) {
      return false;
    }
    int sum = 0;
    for (int i = 0; i < WEIGHTS.length; i++) {
      char c = number.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      sum += (c - '0') * WEIGHTS[i];
    }
    return number.charAt(LENGTH - 1) == CHECK_CHARACTERS.charAt(sum % 11);
  }
}
