package dev.idvstreams.serde;

import org.apache.avro.Schema;

/**
 * The two Schema Registry operations the Confluent wire format needs. Implementations cache both
 * ways, so each schema is registered and each id looked up once per process.
 */
public interface SchemaRegistryClient {

  /**
   * Registers {@code schema} under {@code subject} (or finds it already there) and returns its id.
   *
   * @throws RegistryUnavailableException when the registry cannot be reached or answers with a server error
   */
  int register(String subject, Schema schema);

  /**
   * Returns the schema with this id.
   *
   * @throws BadRecordException with {@link BadRecordException.Reason#UNKNOWN_SCHEMA_ID} when the registry has no such id
   * @throws RegistryUnavailableException when the registry cannot be reached or answers with a server error
   */
  Schema schemaById(int id);

  /**
   * Asks the registry something every user of it may ask, so that a wrong URL, refused credentials
   * or an untrusted certificate stop a start with the cause named, not the first record.
   *
   * @throws RegistryUnavailableException naming the cause
   */
  default void check() {}
}
