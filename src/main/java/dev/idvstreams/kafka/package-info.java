/**
 * The Kafka clients of the processor's own single-partition logs (the share log, the budget log,
 * the control topic) and the creation of their topics. Depends on the Kafka clients only.
 */
package dev.idvstreams.kafka;
