/**
 * Control through Kafka: the compacted control topic that every instance follows (pause or resume
 * an API, change its QPS limit or its daily budget, group-wide), its record format, and the state it
 * puts in force. Depends on api and the Kafka clients; knows nothing of the topology.
 */
package dev.idvstreams.control;
