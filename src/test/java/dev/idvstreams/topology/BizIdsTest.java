package dev.idvstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BizIdsTest {

  @Test
  void shouldKeepABizIdOfAtMost64CharactersAsItIs() {
    assertThat(BizIds.bounded("b-1")).isEqualTo("b-1");
    assertThat(BizIds.bounded("x".repeat(64))).isEqualTo("x".repeat(64));
    assertThat(BizIds.bounded(null)).isNull();
  }

  @Test
  void shouldBoundALongerOneAndTellTwoApart() {
    String a = BizIds.bounded("x".repeat(64) + "a".repeat(600_000));
    String b = BizIds.bounded("x".repeat(64) + "b".repeat(600_000));
    assertThat(a).hasSize(81).startsWith("x".repeat(64) + "#").matches(".{65}[0-9a-f]{16}");
    assertThat(b).hasSize(81).isNotEqualTo(a);
    assertThat(BizIds.bounded("x".repeat(64) + "a".repeat(600_000))).isEqualTo(a);
  }
}
