package dev.idvstreams.bench;

import dev.idvstreams.aliyun.ApiException;
import dev.idvstreams.aliyun.CredentialVerifyRequest;
import dev.idvstreams.aliyun.CredentialVerifyResponse;
import dev.idvstreams.aliyun.ErrorClass;
import dev.idvstreams.aliyun.IdVerificationClient;
import dev.idvstreams.aliyun.ImageSource;
import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.Outcome;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.serde.SchemaRegistryClient;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The naive baseline of issue 9: the design a user writes first. A synchronous call inside
 * {@code mapValues}, on one stream thread: each record waits for its answer before the next is
 * read. It uses the project's own client and serdes, so the difference measured is the design,
 * not the plumbing. Credential checks only (the scenario's API). A throttled call is tried again
 * after {@value #THROTTLE_PAUSE_MS} ms, as a user would add once they saw throttling; a call that
 * fails otherwise ends as a REVIEW result carrying the error code, so every request still ends once.
 */
final class NaiveTopology {

  static final long THROTTLE_PAUSE_MS = 100;
  private static final int MAX_ATTEMPTS = 50;

  private NaiveTopology() {}

  static Topology build(String requestsTopic, String resultsTopic, SchemaRegistryClient registry,
      IdVerificationClient client) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(requestsTopic, Consumed.with(Serdes.String(), AvroSerde.forValues(VerificationRequest.class, registry)))
        .mapValues(request -> callAndWait(client, request))
        .to(resultsTopic, Produced.with(Serdes.String(), AvroSerde.forValues(VerificationResult.class, registry)));
    return builder.build();
  }

  /** Blocks the stream thread on the call: the naive design, on purpose. */
  static VerificationResult callAndWait(IdVerificationClient client, VerificationRequest request) {
    CredentialCheck check = (CredentialCheck) request.getCheck();
    CredentialVerifyRequest call = new CredentialVerifyRequest(check.getCredType(), check.getCredName(),
        check.getProductCode(), ImageSource.ofUrl(check.getImage().getUrl()));
    for (int attempt = 1; ; attempt++) {
      try {
        CredentialVerifyResponse answer = client.credentialVerify(call).toCompletionStage().toCompletableFuture().get();
        Outcome outcome = "0".equals(answer.result()) ? Outcome.PASS : Outcome.FAIL;
        return PlainResults.of(request, outcome, answer.result(), attempt, Instant.now());
      } catch (ExecutionException e) {
        boolean throttled = e.getCause() instanceof ApiException api && api.errorClass() == ErrorClass.THROTTLED;
        if (!throttled || attempt >= MAX_ATTEMPTS) {
          String code = e.getCause() instanceof ApiException api ? api.code() : e.getCause().toString();
          return PlainResults.of(request, Outcome.REVIEW, code, attempt, Instant.now());
        }
        pause();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while calling", e);
      }
    }
  }

  /** The naive design's own back-off after a throttled answer: pacing its calls, not waiting for a condition. */
  private static void pause() {
    try {
      Thread.sleep(THROTTLE_PAUSE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
