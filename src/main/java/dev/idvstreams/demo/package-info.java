/**
 * The {@code demo} command's batch of requests and its tally and summary of what came out.
 * Depends on the Avro event classes, api, config, serde, the simulator's statistics and the
 * Kafka clients; never on {@code cli}.
 */
package dev.idvstreams.demo;
