/**
 * The JSON-lines formats: requests in ({@code produce} reads one request per line) and records
 * out ({@code consume} prints one record per line). Depends on the Avro event classes, config
 * (the topic names), serde and Jackson; never on {@code cli}.
 */
package dev.idvstreams.jsonl;
