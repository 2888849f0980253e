package dev.idvstreams.embedded;

/** The Kafka cluster an integration test talks to, and where it came from. */
public record KafkaBootstrap(String bootstrapServers, String origin) {}
