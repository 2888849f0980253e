package dev.idvstreams.topology;

import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.FaceCheck;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.api.Api;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The requests of this instance that wait in the dedup store for a slot of their API, all APIs and
 * tasks together, in requests and in (estimated) bytes. It is what backpressures Kafka: a stream
 * thread blocks only while the backlog is over its bound, never because one API has no room, so
 * a request whose API is at its limit, held by its breaker or out of its share never delays the
 * requests of another API behind it in the partition.
 */
public final class Backlog {

  /** An inline image is most of a request; the rest (ids, names, URLs) is taken as this. */
  static final long REQUEST_OVERHEAD_BYTES = 512;

  private final long maxRequests;
  private final long maxBytes;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  /** The same requests by API: what the group's split of each limit follows. */
  private final Map<Api, AtomicLong> byApi = new EnumMap<>(Api.class);
  /** The requests by API that have come to wait since the start: whether a backlog is still fed. */
  private final Map<Api, AtomicLong> arrivedByApi = new EnumMap<>(Api.class);

  public Backlog(long maxRequests, long maxBytes) {
    this.maxRequests = maxRequests;
    this.maxBytes = maxBytes;
    for (Api api : Api.values()) {
      byApi.put(api, new AtomicLong());
      arrivedByApi.put(api, new AtomicLong());
    }
  }

  /** No bound: for tests that are not about backpressure. */
  public static Backlog unbounded() {
    return new Backlog(Long.MAX_VALUE, Long.MAX_VALUE);
  }

  /** What a waiting request weighs: its inline images, plus a fixed amount for the rest. */
  static long bytesOf(VerificationRequest request) {
    long bytes = REQUEST_OVERHEAD_BYTES;
    Object check = request.getCheck();
    if (check instanceof CredentialCheck credential) {
      bytes += inline(credential.getImage());
    } else if (check instanceof FaceCheck face) {
      bytes += inline(face.getRefFace()) + inline(face.getAuthFace());
    }
    return bytes; // VerifyMaterial takes URLs only
  }

  private static long inline(Image image) {
    return image == null || image.getContent() == null ? 0 : image.getContent().remaining();
  }

  void added(Api api, long requestBytes) {
    arrivedByApi.get(api).incrementAndGet();
    byApi.get(api).incrementAndGet();
    requests.incrementAndGet();
    bytes.addAndGet(requestBytes);
  }

  void removed(Api api, long requestBytes) {
    byApi.get(api).decrementAndGet();
    requests.decrementAndGet();
    bytes.addAndGet(-requestBytes);
  }

  /** Whether stream threads should wait (within their budget) before taking more requests. */
  public boolean isFull() {
    return requests.get() >= maxRequests || bytes.get() >= maxBytes;
  }

  /** The waiting requests of one API. */
  public long requests(Api api) {
    return byApi.get(api).get();
  }

  /** The requests of one API that have come to wait since the start, whether still waiting or not. */
  public long arrived(Api api) {
    return arrivedByApi.get(api).get();
  }

  public long requests() {
    return requests.get();
  }

  public long bytes() {
    return bytes.get();
  }
}
