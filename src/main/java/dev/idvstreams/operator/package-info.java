/**
 * What the operator commands do against Kafka, apart from parsing options and printing: the
 * clients and the registry as {@code run} configures them, topic creation, dead-letter replay.
 * Depends on config, serde, the Avro event classes and the Kafka clients; never on {@code cli}.
 */
package dev.idvstreams.operator;
