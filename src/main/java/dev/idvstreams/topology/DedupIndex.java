package dev.idvstreams.topology;

import dev.idvstreams.avro.DedupEntry;
import dev.idvstreams.avro.DedupStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The dedup store's index, in a changelogged store of its own, so that neither a starting task
 * nor the TTL purge reads the whole dedup store (which holds every bizId of the last
 * {@code dedup.ttl}). Its keys:
 * <pre>
 * open:BIZID                  an entry a starting task acts on: IN_FLIGHT (called again) or with
 *                             unconfirmed events (published again)
 * expires:UPDATED_AT:BIZID    a COMPLETED entry, UPDATED_AT as 16 hex digits: in the order the TTL
 *                             expires them
 * built                       every entry of the dedup store is indexed
 * </pre>
 * The dedup store's writer updates it with each write, in the same transaction under
 * exactly_once_v2. A store written before the index existed has no {@code built} key: the task
 * reads the whole store once at start, as before, and indexes it by a sweep in bounded steps.
 * Under at_least_once an index write can be lost in a crash while its entry's write is not (or
 * the reverse): a key without its entry is dropped when read, and the writes that matter are
 * written again (a request read again puts its open key back; a confirmation puts the expiry key).
 */
final class DedupIndex {

  static final String STORE = "idv-dedup-index";
  private static final String OPEN = "open:";
  private static final String EXPIRES = "expires:";
  private static final String BUILT = "built";
  private static final byte[] PRESENT = new byte[0];

  /** The index keys of one entry's state; null where it has none. */
  record Keys(String open, String expiry) {
    static final Keys NONE = new Keys(null, null);

    static Keys of(String bizId, DedupEntry entry) {
      if (entry == null) {
        return NONE;
      }
      boolean open = entry.getStatus() == DedupStatus.IN_FLIGHT || !entry.getUnconfirmed().isEmpty();
      return new Keys(open ? OPEN + bizId : null, entry.getStatus() == DedupStatus.COMPLETED
          ? expiresKey(entry.getUpdatedAt().toEpochMilli()) + ":" + bizId : null);
    }

    /** The same keys but the expiry key, for an entry whose expiry key {@link #takeExpired} took. */
    Keys withoutExpiry() {
      return new Keys(open, null);
    }
  }

  private final KeyValueStore<String, byte[]> index;

  DedupIndex(KeyValueStore<String, byte[]> index) {
    this.index = index;
  }

  /** Whether every entry of the dedup store is indexed. */
  boolean isBuilt() {
    return index.get(BUILT) != null;
  }

  /** An entry's state changed from {@code before} to {@code after}: writes only the keys that changed. */
  void update(Keys before, Keys after) {
    replace(before.open(), after.open());
    replace(before.expiry(), after.expiry());
  }

  /** Writes an entry's keys whether or not they are there (a write that a crash may have lost). */
  void put(Keys keys) {
    replace(null, keys.open());
    replace(null, keys.expiry());
  }

  /** The bizIds with an open key. */
  List<String> openBizIds() {
    List<String> bizIds = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> keys = index.prefixScan(OPEN, new StringSerializer())) {
      keys.forEachRemaining(kv -> bizIds.add(kv.key.substring(OPEN.length())));
    }
    return bizIds;
  }

  /** Drops a key found without its reason (see the class comment). */
  void dropOpen(String bizId) {
    index.delete(OPEN + bizId);
  }

  /**
   * Takes at most {@code max} expiry keys older than {@code cutoffMs}, oldest first, and returns
   * their bizIds: whether each entry is still COMPLETED and that old is the caller's to check.
   */
  List<String> takeExpired(long cutoffMs, int max) {
    List<String> keys = new ArrayList<>();
    // keys of cutoffMs itself sort after this bound (':' follows it): only older ones
    try (KeyValueIterator<String, byte[]> expired = index.range(EXPIRES, expiresKey(cutoffMs))) {
      while (keys.size() < max && expired.hasNext()) {
        keys.add(expired.next().key);
      }
    }
    List<String> bizIds = new ArrayList<>(keys.size());
    for (String key : keys) {
      index.delete(key);
      bizIds.add(key.substring(EXPIRES.length() + 17));
    }
    return bizIds;
  }

  /**
   * One step of indexing a store written before the index existed: at most {@code max} entries
   * from {@code from} (null: the first).
   *
   * @return where the next step starts, or null when the store is indexed ({@code built} is written)
   */
  String buildStep(KeyValueStore<String, DedupEntry> store, String from, int max) {
    String next;
    try (KeyValueIterator<String, DedupEntry> entries = from == null ? store.all() : store.range(from, null)) {
      for (int seen = 0; seen < max && entries.hasNext(); seen++) {
        KeyValue<String, DedupEntry> kv = entries.next();
        put(Keys.of(kv.key, kv.value));
      }
      next = entries.hasNext() ? entries.peekNextKey() : null;
    }
    if (next == null) {
      index.put(BUILT, PRESENT);
    }
    return next;
  }

  private void replace(String before, String after) {
    if (Objects.equals(before, after)) {
      return;
    }
    if (before != null) {
      index.delete(before);
    }
    if (after != null) {
      index.put(after, PRESENT);
    }
  }

  private static String expiresKey(long epochMillis) {
    // as String.format("%016x", epochMillis), without a Formatter at every write of the store
    String hex = Long.toHexString(epochMillis);
    return EXPIRES + "0".repeat(16 - hex.length()) + hex;
  }
}
