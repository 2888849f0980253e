/**
 * The composition root: the running processor wired from one configuration (the API client and
 * its lanes, the topology, Kafka Streams, the ops endpoints). Depends on every package below it;
 * nothing depends on it but the commands.
 */
package dev.idvstreams.runtime;
