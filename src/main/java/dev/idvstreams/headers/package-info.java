/**
 * Which record headers of a request travel to its result or dead letter, and how a store entry
 * keeps them. Depends on the Kafka clients and the Avro event classes only.
 */
package dev.idvstreams.headers;
