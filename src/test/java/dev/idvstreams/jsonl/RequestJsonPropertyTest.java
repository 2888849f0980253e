package dev.idvstreams.jsonl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/**
 * Properties of the JSON-lines request parser that {@code produce} runs on files of unknown origin:
 * whatever the input, {@link RequestJson#parse} returns a request or throws
 * {@link RequestJson.InvalidRequestException} (and {@link RequestFile#read} of bytes in memory
 * throws nothing), within a time bound, allocating at most a constant plus a small factor times
 * the input's size (measured on the parsing thread with
 * {@link com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes()}), and its messages never
 * quote a value of the input.
 */
class RequestJsonPropertyTest {

  private static final com.sun.management.ThreadMXBean THREADS =
    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  /** What one call may allocate whatever its input: the parser's buffers on a fresh thread, the request, a message. */
  private static final long BASE_BYTES = 256 * 1024;
  /** Allocated bytes per input byte (UTF-16 bytes for a String) beyond that. */
  private static final long BYTES_PER_INPUT_BYTE = 16;
  private static final Duration HANG = Duration.ofSeconds(5);
  /** A value no error message may repeat: it stands for a name or an ID number. */
  private static final String SECRET = "Qz7SecretValue";

  /** The largest allocation of one parse, and per input byte for inputs of 4 KiB and more: printed, to show the margin. */
  private static final java.util.concurrent.atomic.AtomicLong MAX_ALLOCATED = new java.util.concurrent.atomic.AtomicLong();
  private static final java.util.concurrent.atomic.AtomicLong MAX_RATIO = new java.util.concurrent.atomic.AtomicLong();

  @net.jqwik.api.lifecycle.AfterContainer
  static void printRatio() {
    System.out.println("[request-json-property] largest allocation of one parse: " + MAX_ALLOCATED.get()
      + " bytes; per input byte (inputs of 4 KiB and more): " + MAX_RATIO.get());
  }

  private final RequestJson json = new RequestJson(Clock.fixed(Instant.parse("2026-11-25T03:00:00Z"), ZoneOffset.UTC));

  /**
   * One long-lived thread parses every input, as {@code produce} does; the test waits for it at
   * most {@link #HANG}. A call that hangs leaves the (daemon) thread behind and fails the property.
   */
  private static final java.util.concurrent.ExecutorService PARSER = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
    Thread thread = new Thread(r, "request-json-property-parser");
    thread.setDaemon(true);
    return thread;
  });

  /** Not in a static initializer: the parser thread would wait for this class's initialization, which waits for it. */
  @net.jqwik.api.lifecycle.BeforeContainer
  static void warmUp() {
    THREADS.setThreadAllocatedMemoryEnabled(true);
    // class loading and the parser's first buffers belong to no input: spent once, before any is measured
    Random random = new Random(1);
    RequestJson warm = new RequestJson(Clock.systemUTC());
    try {
      PARSER.submit(() -> {
        for (int i = 0; i < 300; i++) {
          String line = validLine(random);
          for (String input : List.of(line, mutate(line, random))) {
            try {
              warm.parse(input);
            } catch (RequestJson.InvalidRequestException e) {
              // expected for most mutations
            }
          }
          RequestFile.read(new ByteArrayInputStream((line + "\n\u00ff\n").getBytes(StandardCharsets.ISO_8859_1)), warm);
        }
        return null;
      }).get();
    } catch (Exception e) {
      throw new IllegalStateException("warm-up failed", e);
    }
  }

  /** Runs {@code call} on the parser thread, failing past {@link #HANG}. */
  private static <T> T onParserThread(java.util.concurrent.Callable<T> call, java.util.function.Supplier<String> what) {
    java.util.concurrent.Future<T> future = PARSER.submit(call);
    try {
      return future.get(HANG.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      future.cancel(true);
      throw new AssertionError(what.get() + " took longer than " + HANG);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new AssertionError(what.get() + " threw " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  // ---- the properties ----

  @Property(tries = 1500)
  void arbitraryStringsOnlyEverFailWithTheParseException(@ForAll @StringLength(max = 3000) String line) {
    parseBounded(line);
  }

  @Property(tries = 1500)
  void jsonLikeStringsOnlyEverFailWithTheParseException(@ForAll("jsonLike") String line) {
    parseBounded(line);
  }

  @Property(tries = 3000)
  void mutationsOfValidLinesOnlyEverFailWithTheParseException(@ForAll("mutatedLines") String line) {
    parseBounded(line);
  }

  @Property(tries = 300)
  void filesOfArbitraryBytesAreReadWithoutAnyException(@ForAll @Size(max = 6000) byte[] bytes) {
    readBounded(bytes);
  }

  @Property(tries = 300)
  void filesOfMutatedLinesAreReadWithoutAnyException(@ForAll("mutatedFiles") byte[] bytes) {
    readBounded(bytes);
  }

  @Property(tries = 2000)
  void messagesNeverQuoteAValueOfTheLine(@ForAll("mutatedLines") String line) {
    String message = parseBounded(line);
    if (message != null) {
      assertThat(message).as("the message for a line carrying the secret value").doesNotContain(SECRET);
    }
  }

  @Property(tries = 50)
  void validLinesAreRead(@ForAll("validLines") String line) {
    assertThat(parseBounded(line)).as("a valid line's problem").isNull();
  }

  // ---- the bounds ----

  /** Parses under the time and allocation bounds; the exception's message, or null for a request. */
  private String parseBounded(String line) {
    long inputBytes = 2L * line.length();
    long[] allocated = new long[1];
    String message = onParserThread(() -> {
      long before = THREADS.getCurrentThreadAllocatedBytes();
      String problem = null;
      try {
        assertThat(json.parse(line)).isNotNull();
      } catch (RequestJson.InvalidRequestException e) {
        problem = e.getMessage();
        assertThat(problem).as("the parse exception's message").isNotBlank();
      }
      allocated[0] = THREADS.getCurrentThreadAllocatedBytes() - before;
      return problem;
    }, () -> "parsing a line of " + line.length() + " characters");
    MAX_ALLOCATED.accumulateAndGet(allocated[0], Math::max);
    if (inputBytes >= 4096) {
      MAX_RATIO.accumulateAndGet(allocated[0] / inputBytes, Math::max);
    }
    assertThat(allocated[0]).as("bytes allocated parsing a line of %d characters", line.length())
      .isLessThanOrEqualTo(BASE_BYTES + BYTES_PER_INPUT_BYTE * inputBytes);
    return message;
  }

  private void readBounded(byte[] bytes) {
    long[] allocated = new long[1];
    RequestFile file = onParserThread(() -> {
      long before = THREADS.getCurrentThreadAllocatedBytes();
      RequestFile read = RequestFile.read(new ByteArrayInputStream(bytes), json);
      allocated[0] = THREADS.getCurrentThreadAllocatedBytes() - before;
      return read;
    }, () -> "reading " + bytes.length + " bytes");
    long lines = 1;
    for (byte b : bytes) {
      if (b == '\n') {
        lines++;
      }
    }
    assertThat(file.requests().size() + file.problems().size()).as("requests and problems, at most one per line")
      .isLessThanOrEqualTo((int) lines);
    // each line parsed on its own: the constant once per line, the factor on the whole
    assertThat(allocated[0]).as("bytes allocated reading %d bytes of %d lines", bytes.length, lines)
      .isLessThanOrEqualTo(BASE_BYTES + lines * 64 * 1024 + BYTES_PER_INPUT_BYTE * 2L * bytes.length);
  }

  // ---- the inputs ----

  private static final String[] TOKENS = {"{", "}", "[", "]", "\"", ":", ",", "\\", "\\\"", "\\u0000", "\\ud800", "\\uDFFF",
    "\u0000", "\u0007", "\n", "\r", "\t", "\u2028", "\ufeff", "\ud83d\ude00", "\ud800", "null", "true", "false", "0", "-0",
    "1e999999999", "-1e-999999999", "9".repeat(1200), "0x10", "NaN", "Infinity", "\"bizId\"", "\"credential\"", "\"material\"",
    "\"face\"", "\"image\"", "\"url\"", "\"base64\"", "\"requestedAt\"", "\"+999999999-12-31T23:59:59-18:00\"",
    "\"-999999999-01-01T00:00:00+18:00\"", "\"2026-02-30T25:61:61Z\"", "\"====\"", "\"AAAA\"", "\"A\"", "[".repeat(2000),
    "{\"a\":".repeat(1500), "//", "/*", "'", "\"" + SECRET + "\""};

  @Provide
  Arbitrary<String> jsonLike() {
    return Arbitraries.randomValue(random -> {
      StringBuilder b = new StringBuilder();
      int n = random.nextInt(40);
      for (int i = 0; i < n; i++) {
        b.append(TOKENS[random.nextInt(TOKENS.length)]);
      }
      return b.toString();
    });
  }

  @Provide
  Arbitrary<String> validLines() {
    return Arbitraries.randomValue(RequestJsonPropertyTest::validLine);
  }

  @Provide
  Arbitrary<String> mutatedLines() {
    return Arbitraries.randomValue(random -> mutate(validLine(random), random));
  }

  @Provide
  Arbitrary<byte[]> mutatedFiles() {
    return Arbitraries.randomValue(random -> {
      StringBuilder file = new StringBuilder();
      int lines = 1 + random.nextInt(12);
      for (int i = 0; i < lines; i++) {
        String line = random.nextInt(3) == 0 ? validLine(random) : mutate(validLine(random), random);
        file.append(line).append(random.nextInt(4) == 0 ? "\r\n" : "\n");
        if (random.nextInt(6) == 0) {
          file.append(random.nextBoolean() ? "\n" : "   \n");
        }
      }
      byte[] bytes = file.toString().getBytes(StandardCharsets.UTF_8);
      // a few bytes that are not UTF-8 (a lone continuation byte, an overlong form, a cut sequence)
      int flips = random.nextInt(3);
      for (int i = 0; i < flips && bytes.length > 0; i++) {
        bytes[random.nextInt(bytes.length)] = new byte[] {(byte) 0x80, (byte) 0xC0, (byte) 0xE2, (byte) 0xFF}[random.nextInt(4)];
      }
      return bytes;
    });
  }

  private static String text(Random random, int max) {
    String alphabet = "abcXYZ019-_. é中";
    StringBuilder b = new StringBuilder();
    int n = 1 + random.nextInt(max);
    for (int i = 0; i < n; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  private static String image(Random random) {
    if (random.nextBoolean()) {
      return "{\"url\":\"https://img.example/" + text(random, 20).replace(" ", "") + ".jpg\"}";
    }
    byte[] content = new byte[1 + random.nextInt(3000)];
    random.nextBytes(content);
    return "{\"base64\":\"" + Base64.getEncoder().encodeToString(content) + "\"}";
  }

  private static String validLine(Random random) {
    List<String> fields = new ArrayList<>();
    fields.add("\"bizId\":\"b-" + text(random, 30) + "\"");
    if (random.nextBoolean()) {
      fields.add("\"requestedAt\":\"2026-01-31T09:30:00" + (random.nextBoolean() ? "Z" : "+08:00") + "\"");
    }
    if (random.nextBoolean()) {
      fields.add("\"source\":\"" + text(random, 10) + "\"");
    }
    if (random.nextBoolean()) {
      fields.add("\"userId\":" + (random.nextBoolean() ? "null" : "\"u-" + text(random, 10) + "\""));
    }
    fields.add(switch (random.nextInt(3)) {
      case 0 -> "\"credential\":{\"credType\":\"03\",\"credName\":\"0301\",\"image\":" + image(random)
        + (random.nextBoolean() ? ",\"productCode\":\"ANTI_FAKE_CHECK\"" : "") + "}";
      case 1 -> "\"material\":{\"bizType\":\"RPMinTest\",\"name\":\"" + SECRET + "\",\"idCardNumber\":\"" + SECRET
        + "\",\"faceImage\":" + image(random) + (random.nextBoolean() ? ",\"idCardFrontImage\":" + image(random) : "")
        + (random.nextBoolean() ? ",\"idCardBackImage\":" + image(random) : "") + "}";
      default -> "\"face\":{\"resourceCode\":\"00840000\",\"refFace\":" + image(random) + ",\"authFace\":" + image(random) + "}";
    });
    java.util.Collections.shuffle(fields, random);
    return "{" + String.join(random.nextBoolean() ? "," : " , ", fields) + "}";
  }

  /** One to five edits: deletions, insertions of tokens or characters, duplications, swaps, cuts, repetitions. */
  static String mutate(String line, Random random) {
    StringBuilder b = new StringBuilder(line);
    int edits = 1 + random.nextInt(5);
    for (int e = 0; e < edits; e++) {
      int at = b.length() == 0 ? 0 : random.nextInt(b.length());
      int to = Math.min(b.length(), at + 1 + random.nextInt(Math.max(1, Math.min(40, b.length() - at))));
      switch (random.nextInt(8)) {
        case 0 -> b.delete(at, to);
        case 1 -> b.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
        case 2 -> b.insert(at, (char) random.nextInt(0x10000));
        case 3 -> b.insert(at, b.substring(at, to));
        case 4 -> {
          if (b.length() > 1 && to < b.length()) {
            char c = b.charAt(at);
            b.setCharAt(at, b.charAt(to));
            b.setCharAt(to, c);
          }
        }
        case 5 -> b.setLength(at);
        case 6 -> {
          String piece = b.substring(at, to);
          b.insert(at, piece.repeat(1 + random.nextInt(50)));
        }
        default -> {
          if (b.length() > 0) {
            String swaps = "{}[]\":,\\ 0an";
            b.setCharAt(at, swaps.charAt(random.nextInt(swaps.length())));
          }
        }
      }
    }
    return b.toString();
  }
}
