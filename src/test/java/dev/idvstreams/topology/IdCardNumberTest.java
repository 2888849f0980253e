package dev.idvstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdCardNumberTest {

  /**
   * Check characters worked out by hand from the weights: 11010519491231002 sums to 167, 167 mod 11
   * is 2, and the third check character is X; 44052418800101001 sums to 195, mod 11 is 8, giving 4;
   * 02343218901123123 (the reference's masked example with a tail of ours) sums to 237, mod 11 is 6,
   * giving 6; 00000000000000000 sums to 0, giving 1.
   */
  @ParameterizedTest
  @ValueSource(strings = {"11010519491231002X", "440524188001010014", "023432189011231236", "000000000000000001"})
  void shouldAcceptNumbersWithTheirCheckCharacter(String number) {
    assertThat(IdCardNumber.isValid(number)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"110105194912310021", "11010519491231002x", "440524188001010015", "023432189011231234", "023432189011230017",
      "02343218901123****", "02343218901123123", "0234321890112312344", "A23432189011231234", "０23432189011231234",
      "", "02343218901123123 "})
  void shouldRefuseOtherNumbers(String number) {
    assertThat(IdCardNumber.isValid(number)).isFalse();
  }

  @Test
  void shouldRefuseEverySingleDigitChangeOfAValidNumber() {
    String valid = "11010519491231002X";
    for (int i = 0; i < 17; i++) {
      for (char digit = '0'; digit <= '9'; digit++) {
        if (digit != valid.charAt(i)) {
          String changed = valid.substring(0, i) + digit + valid.substring(i + 1);
          assertThat(IdCardNumber.isValid(changed)).as(changed).isFalse();
        }
      }
    }
  }

  @Test
  void shouldRefuseNull() {
    assertThat(IdCardNumber.isValid(null)).isFalse();
  }
}
