package dev.idvstreams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.management.ThreadMXBean;
import dev.idvstreams.avro.VerificationRequest;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The request decoder on arbitrary bytes: it answers with a request or a {@link BadRecordException}
 * (never another exception), allocates no more than a small multiple of the input, and ends.
 */
class AvroSerdePropertiesTest {

  /** Allocation allowed per byte of input, beside a fixed amount for the decoder and the reader. */
  private static final long BYTES_PER_INPUT_BYTE = 16;
  private static final long FIXED_ALLOWANCE = 2 * 1024 * 1024;
  /** Far beyond any decode of 4 KB: only a loop gets there. */
  private static final Duration HANG = Duration.ofSeconds(5);

  private final SchemaRegistryClient registry =
      SchemaRegistries.forUrl("mock://properties-" + UUID.randomUUID(), null, Duration.ofSeconds(1));
  private final AvroSerde<VerificationRequest> requests = AvroSerde.forValues(VerificationRequest.class, registry);
  private final int id = registry.register("t-value", VerificationRequest.getClassSchema());
  private final byte[] valid = requests.serialize("t", Samples.face("b-1"));

  @Property(tries = 2000)
  void arbitraryBytesDecodeOrAreRefusedAsBadRecords(@ForAll @Size(max = 4096) byte[] bytes) {
    decodeWithinBounds(bytes);
  }

  @Property(tries = 2000)
  void arbitraryBodiesUnderTheRequestSchemaDecodeOrAreRefused(@ForAll @Size(max = 4096) byte[] body) {
    decodeWithinBounds(framed(body));
  }

  @Property(tries = 3000)
  void mutationsOfAValidRequestDecodeOrAreRefused(@ForAll("mutations") byte[] mutated) {
    decodeWithinBounds(mutated);
  }

  @Provide
  Arbitrary<byte[]> mutations() {
    Arbitrary<Integer> position = Arbitraries.integers().between(0, valid.length - 1);
    Arbitrary<Byte> value = Arbitraries.bytes();
    Arbitrary<byte[]> flipped = position.flatMap(p -> value.map(v -> {
      byte[] copy = valid.clone();
      copy[p] = v;
      return copy;
    }));
    Arbitrary<byte[]> truncated = position.map(p -> Arrays.copyOf(valid, p));
    // a length or count field overwritten with a large varint: 2^k for k in 7..62
    Arbitrary<byte[]> inflated = position.flatMap(p -> Arbitraries.integers().between(7, 62).map(k -> {
      byte[] varint = varint(1L << k);
      byte[] copy = Arrays.copyOf(valid, valid.length + varint.length);
      System.arraycopy(valid, p, copy, p + varint.length, valid.length - p);
      System.arraycopy(varint, 0, copy, p, varint.length);
      return copy;
    }));
    return Arbitraries.oneOf(flipped, truncated, inflated);
  }

  private void decodeWithinBounds(byte[] bytes) {
    // preemptive, so that a decoder that loops is a failure, not a hung build
    long allocated = assertTimeoutPreemptively(HANG, () -> {
      ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
      long before = threads.getCurrentThreadAllocatedBytes();
      try {
        requests.deserialize("t", bytes);
      } catch (BadRecordException refused) {
        assertThat(refused.reason()).isNotNull();
      }
      return threads.getCurrentThreadAllocatedBytes() - before;
    });
    assertThat(allocated).isLessThanOrEqualTo(FIXED_ALLOWANCE + BYTES_PER_INPUT_BYTE * bytes.length);
  }

  private byte[] framed(byte[] body) {
    ByteBuffer framed = ByteBuffer.allocate(5 + body.length);
    framed.put((byte) 0).putInt(id).put(body);
    return framed.array();
  }

  private static byte[] varint(long value) {
    long n = value << 1;
    byte[] out = new byte[10];
    int i = 0;
    while ((n & ~0x7FL) != 0) {
      out[i++] = (byte) ((n & 0x7F) | 0x80);
      n >>>= 7;
    }
    out[i++] = (byte) n;
    return Arrays.copyOf(out, i);
  }
}
