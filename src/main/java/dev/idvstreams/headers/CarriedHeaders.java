package dev.idvstreams.headers;

import dev.idvstreams.avro.CarriedHeader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record headers that travel from a request to its result or dead letter
 * (docs/consumers.md#headers): the W3C trace context ({@code traceparent}, {@code tracestate},
 * {@code baggage}), the names configured in {@code headers.carried}, and {@link #REPLAY_COUNT}.
 * Every other header of a request is dropped where it is admitted, so that nothing a producer adds
 * can make the re-keyed record, the store entry or the dead letter too large: for the same reason a
 * carried value over {@link #MAX_VALUE_BYTES}, or past {@link #MAX_TOTAL_BYTES} in all, is left out
 * (one log line per header name).
 *
 * <p>Names match whatever their case; a header keeps the name and the value its producer wrote.
 */
public final class CarriedHeaders {

  /** How many times {@code dlq replay} has sent a request back; set by it, carried like the others. */
  public static final String REPLAY_COUNT = "idv-replay-count";
  /** Always carried: the W3C trace context and baggage. */
  public static final List<String> TRACE_CONTEXT = List.of("traceparent", "tracestate", "baggage");
  /** The W3C baggage limit, which bounds every other carried header too. */
  public static final int MAX_VALUE_BYTES = 8192;
  /** What the carried headers of one record may add up to: well within the 16 KiB the topology keeps for headers (RecordLimits). */
  public static final int MAX_TOTAL_BYTES = 8192;

  private static final Logger LOG = LoggerFactory.getLogger(CarriedHeaders.class);
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private final Set<String> names = new LinkedHashSet<>();

  /** @param configured the names carried besides the trace context and the replay count */
  public CarriedHeaders(Collection<String> configured) {
    TRACE_CONTEXT.forEach(name -> names.add(name.toLowerCase(Locale.ROOT)));
    names.add(REPLAY_COUNT);
    configured.forEach(name -> names.add(name.trim().toLowerCase(Locale.ROOT)));
  }

  /** The names carried, lower case. */
  public Set<String> names() {
    return Set.copyOf(names);
  }

  /** The carried headers of {@code headers}, in their order; a null {@code headers} has none. */
  public Headers select(Headers headers) {
    RecordHeaders carried = new RecordHeaders();
    if (headers == null) {
      return carried;
    }
    int total = 0;
    for (Header header : headers) {
      String name = header.key();
      if (name == null || !names.contains(name.toLowerCase(Locale.ROOT))) {
        continue;
      }
      int valueBytes = header.value() == null ? 0 : header.value().length;
      int size = name.length() + valueBytes;
      if (valueBytes > MAX_VALUE_BYTES || total + size > MAX_TOTAL_BYTES) {
        if (WARNED.add(name.toLowerCase(Locale.ROOT))) {
          LOG.warn("Header {} not carried to a result or dead letter: its value of {} bytes is over the {} bytes a "
              + "header may carry, or past the {} bytes all carried headers may add up to (logged once per name)", name,
              valueBytes, MAX_VALUE_BYTES, MAX_TOTAL_BYTES);
        }
        continue;
      }
      total += size;
      carried.add(name, header.value());
    }
    return carried;
  }

  /** {@code headers} as a store entry keeps them. */
  public static List<CarriedHeader> toAvro(Headers headers) {
    List<CarriedHeader> kept = new ArrayList<>();
    for (Header header : headers) {
      kept.add(new CarriedHeader(header.key(), header.value() == null ? null : ByteBuffer.wrap(header.value())));
    }
    return kept;
  }

  /** Headers a store entry kept, as a record carries them; a fresh copy each time. */
  public static Headers fromAvro(List<CarriedHeader> kept) {
    RecordHeaders headers = new RecordHeaders();
    if (kept != null) {
      for (CarriedHeader header : kept) {
        headers.add(header.getKey(), header.getValue() == null ? null : bytes(header.getValue()));
      }
    }
    return headers;
  }

  /** {@code base} followed by copies of {@code carried}: an event's own headers, then the request's. */
  public static Headers plus(Headers base, Headers carried) {
    RecordHeaders headers = new RecordHeaders(base.toArray());
    for (Header header : carried) {
      headers.add(header.key(), header.value());
    }
    return headers;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }
}
