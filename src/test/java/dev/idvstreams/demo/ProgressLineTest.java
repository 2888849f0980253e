package dev.idvstreams.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import dev.idvstreams.simulator.ApiStats;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

  private static Map<Api, ApiStats.Snapshot> accepted(long credential, long face) {
    Map<Api, ApiStats.Snapshot> stats = new EnumMap<>(Api.class);
    stats.put(Api.CREDENTIAL_VERIFY_INTL, new ApiStats.Snapshot(credential, credential, 0, 0, 0, 0, 20, 0, 0, 0, 0));
    stats.put(Api.FACE_VERIFY, new ApiStats.Snapshot(face, face, 0, 0, 0, 0, 50, 0, 0, 0, 0));
    return stats;
  }

  @Test
  void shouldShowTheShareAccountedForAndEachApisCallsPerSecondAgainstItsLimit() {
    Map<Api, Integer> limits = new LinkedHashMap<>();
    limits.put(Api.CREDENTIAL_VERIFY_INTL, 20);
    limits.put(Api.FACE_VERIFY, 50);
    ProgressLine progress = new ProgressLine(400, limits);

    String first = progress.render(1_000_000_000L, 0, 0, 0, accepted(0, 0), 1_000_000_000L);
    String second = progress.render(3_000_000_000L, 100, 90, 10, accepted(38, 90), 3_000_000_000L);

    assertThat(first).startsWith("\r[" + "-".repeat(ProgressLine.BAR_WIDTH) + "] 0/400")
        .contains("CredentialVerifyIntl -/20").contains("ExecuteRequest -/50");
    assertThat(second).startsWith("\r[" + "#".repeat(6) + "-".repeat(18) + "] 100/400 (90 results, 10 dead letters)   3.0s")
        .contains("CredentialVerifyIntl 19/20").contains("ExecuteRequest 45/50").doesNotContain("\n");
  }
}
