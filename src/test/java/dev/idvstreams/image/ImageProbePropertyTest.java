package dev.idvstreams.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.idvstreams.image.ImageProbe.Format;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Whatever the bytes, the probe answers: no exception, a result, and soon. The timeout is a bound
 * on a hang (a walk that stops moving forward), far above the microseconds a probe takes.
 */
class ImageProbePropertyTest {

  private static final Duration HANG = Duration.ofSeconds(10);

  private static final List<byte[]> REAL = List.of(
      SampleImages.write("png", 40, 30),
      SampleImages.write("jpeg", 40, 30),
      SampleImages.progressiveJpeg(40, 30),
      SampleImages.write("bmp", 40, 30),
      SampleImages.webpLossy(40, 30),
      SampleImages.webpLossless(40, 30),
      SampleImages.webpExtended(40, 30),
      HeaderOnlyJpeg.of(640, 480, "sim-ok"));

  @Property(tries = 300)
  void anyBytesGiveAResult(@ForAll @Size(max = 65536) byte[] bytes) {
    assertAnswers(bytes);
  }

  @Property(tries = 1000)
  void anyBytesAfterAMagicNumberGiveAResult(@ForAll("afterMagic") byte[] bytes) {
    assertAnswers(bytes);
  }

  @Property(tries = 2000)
  void anyMutationOfARealHeaderGivesAResult(@ForAll("mutatedReal") byte[] bytes) {
    assertAnswers(bytes);
  }

  private static void assertAnswers(byte[] bytes) {
    ImageProbe.Result result = assertTimeoutPreemptively(HANG, () -> ImageProbe.of(bytes));
    assertThat(result).isNotNull();
    assertThat(result.format()).isNotNull();
    if (result instanceof ImageProbe.Header header) {
      assertThat(header.format()).isNotEqualTo(Format.UNKNOWN);
      assertThat(header.width()).isBetween(0L, 0xFFFF_FFFFL);
      assertThat(header.height()).isBetween(0L, 0xFFFF_FFFFL);
    } else {
      assertThat(((ImageProbe.Unreadable) result).reason()).isNotNull();
    }
  }

  @Provide
  Arbitrary<byte[]> afterMagic() {
    Arbitrary<byte[]> magic = Arbitraries.of(
        SampleImages.bytes(0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'),
        SampleImages.bytes(0xFF, 0xD8, 0xFF),
        SampleImages.bytes('B', 'M'),
        SampleImages.bytes('R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P'),
        SampleImages.bytes('R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'X'));
    Arbitrary<byte[]> tail = Arbitraries.bytes().array(byte[].class).ofMaxSize(65536);
    return Combinators.combine(magic, tail).as(SampleImages::concat);
  }

  @Provide
  Arbitrary<byte[]> mutatedReal() {
    Arbitrary<byte[]> image = Arbitraries.of(REAL);
    Arbitrary<List<Mutation>> mutations = mutation().list().ofMaxSize(8);
    return Combinators.combine(image, mutations).as((original, list) -> {
      byte[] bytes = original.clone();
      for (Mutation m : list) {
        bytes = m.apply(bytes);
      }
      return bytes;
    });
  }

  /** One change: a byte set, a cut, bytes inserted, or a range removed; positions taken modulo the length. */
  private record Mutation(int kind, int position, int count, byte value) {

    byte[] apply(byte[] bytes) {
      int at = bytes.length == 0 ? 0 : Math.floorMod(position, bytes.length);
      return switch (kind) {
        case 0 -> {
          if (bytes.length > 0) {
            bytes[at] = value;
          }
          yield bytes;
        }
        case 1 -> Arrays.copyOf(bytes, at);
        case 2 -> {
          byte[] inserted = new byte[count];
          Arrays.fill(inserted, value);
          yield SampleImages.concat(Arrays.copyOf(bytes, at), inserted, Arrays.copyOfRange(bytes, at, bytes.length));
        }
        default -> SampleImages.concat(Arrays.copyOf(bytes, at),
            Arrays.copyOfRange(bytes, Math.min(bytes.length, at + count), bytes.length));
      };
    }
  }

  private static Arbitrary<Mutation> mutation() {
    // values near the edges matter most: FF (markers, fill), 00, and lengths' high bytes
    Arbitrary<Byte> value = Arbitraries.oneOf(Arbitraries.of((byte) 0xFF, (byte) 0x00, (byte) 0x7F, (byte) 0x80,
        (byte) 0xC0, (byte) 0xC4, (byte) 0xD9, (byte) 0xDA), Arbitraries.bytes());
    return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers(),
        Arbitraries.integers().between(0, 64), value).as(Mutation::new);
  }
}
