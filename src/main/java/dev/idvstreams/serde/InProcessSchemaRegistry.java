package dev.idvstreams.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * The registry selected by {@code mock://NAME} (Confluent's convention): schemas kept in this JVM,
 * one registry per NAME, so that serializers and deserializers created apart from each other (in
 * Kafka Streams, the console tools of the demo, tests) share ids when they name the same scope.
 */
public final class InProcessSchemaRegistry implements SchemaRegistryClient {

  private static final Map<String, InProcessSchemaRegistry> SCOPES = new ConcurrentHashMap<>();

  private final List<Schema> schemasById = new ArrayList<>();
  private final Map<Schema, Integer> idsBySchema = new HashMap<>();
  private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();

  private InProcessSchemaRegistry() {}

  /** The registry of one {@code mock://} scope, created on first use. */
  public static InProcessSchemaRegistry scope(String name) {
    return SCOPES.computeIfAbsent(name, n -> new InProcessSchemaRegistry());
  }

  /** Forgets a scope, for tests that need a registry of their own. */
  public static void drop(String name) {
    SCOPES.remove(name);
  }

  @Override
  public synchronized int register(String subject, Schema schema) {
    // ids start at 1 as in Confluent's registry; 0 never names a schema
    int id = idsBySchema.computeIfAbsent(schema, s -> {
      schemasById.add(s);
      return schemasById.size();
    });
    List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
    if (!versions.contains(id)) {
      versions.add(id);
    }
    return id;
  }

  @Override
  public synchronized Schema schemaById(int id) {
    if (id < 1 || id > schemasById.size()) {
      throw new BadRecordException(BadRecordException.Reason.UNKNOWN_SCHEMA_ID,
          "unknown schema id " + id + " (not in the in-process registry)");
    }
    return schemasById.get(id - 1);
  }

  /** The subjects registered so far, for tests and the demo summary. */
  public synchronized List<String> subjects() {
    return new ArrayList<>(versionsBySubject.keySet());
  }
}
