/**
 * Sharing each API's QPS limit across the instances of a consumer group: whole calls per second
 * per instance, by the partitions each owns, so that the group's calls in any 1-second window add
 * up to at most the limit. Uses {@code async}'s lanes and Kafka Streams' metadata.
 */
package dev.idvstreams.group;
