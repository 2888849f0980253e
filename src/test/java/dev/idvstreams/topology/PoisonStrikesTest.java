package dev.idvstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoisonStrikesTest {

  @TempDir
  Path dir;

  @Test
  void shouldKeepStrikesAcrossARestart() {
    Path file = dir.resolve("app").resolve("idv-poison-strikes");
    PoisonStrikes first = PoisonStrikes.inFile(file);
    first.strike("idv.requests-3@17");
    assertThat(first.strike("idv.requests-3@17")).isEqualTo(2);
    first.strike("app-by-bizid-repartition-0@4");

    PoisonStrikes afterRestart = PoisonStrikes.inFile(file);
    assertThat(afterRestart.count("idv.requests-3@17")).isEqualTo(2);
    assertThat(afterRestart.count("app-by-bizid-repartition-0@4")).isEqualTo(1);
    assertThat(afterRestart.count("idv.requests-3@18")).isZero();
  }

  @Test
  void shouldForgetTheOldestPositionsBeyondItsBound() {
    PoisonStrikes strikes = PoisonStrikes.inFile(dir.resolve("strikes"));
    for (int offset = 0; offset <= PoisonStrikes.MAX_ENTRIES; offset++) {
      strikes.strike("t-0@" + offset);
    }
    PoisonStrikes read = PoisonStrikes.inFile(dir.resolve("strikes"));
    assertThat(read.count("t-0@0")).isZero();
    assertThat(read.count("t-0@1")).isEqualTo(1);
    assertThat(read.count("t-0@" + PoisonStrikes.MAX_ENTRIES)).isEqualTo(1);
  }

  @Test
  void shouldStartFromNothingWhenTheFileIsDamaged() throws Exception {
    Path file = dir.resolve("strikes");
    Files.writeString(file, "t-0@1 not-a-number\n");
    assertThat(PoisonStrikes.inFile(file).count("t-0@1")).isZero();
  }
}
