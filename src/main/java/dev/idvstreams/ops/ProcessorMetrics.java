package dev.idvstreams.ops;

import dev.idvstreams.api.Api;
import dev.idvstreams.async.CallLane;
import dev.idvstreams.async.FailureKind;
import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.check.CallListener;
import dev.idvstreams.topology.SkipReason;
import dev.idvstreams.topology.TopologyListener;
import java.time.Duration;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * What the running processor reports, turned into {@link IdvMetrics}: API calls and retries as
 * they happen, results, dead letters and parked duplicates as the topology publishes them, and the
 * lanes' state sampled once a second.
 */
public final class ProcessorMetrics implements CallListener, TopologyListener {

  private final IdvMetrics metrics;

  public ProcessorMetrics(IdvMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void callEnded(Api api, FailureKind failure, Duration latency) {
    if (failure == null) {
      metrics.apiCallSucceeded(api, latency);
    } else {
      metrics.apiCallFailed(api, failure, latency);
    }
  }

  @Override
  public void retryScheduled(Api api) {
    metrics.retryScheduled(api);
  }

  @Override
  public void published(SpecificRecord value) {
    if (value instanceof VerificationResult result) {
      metrics.resultPublished(result.getCheckType(), result.getOutcome());
      if (result.getReplayed()) {
        metrics.dedupReplayed();
      } else {
        // requestedAt is the producer's, any long: a difference that overflows, or a time in the
        // future, is no latency (and must never fail the record whose result this is)
        long requested = result.getRequestedAt().toEpochMilli();
        long latency = System.currentTimeMillis() - requested;
        if (latency >= 0 && requested >= 0) {
          metrics.requestAnswered(result.getCheckType(), Duration.ofMillis(latency));
        }
      }
    } else if (value instanceof DeadLetter letter) {
      metrics.deadLettered(letter.getStage());
      if (letter.getStage() == DeadLetterStage.DEDUP_CONFLICT) {
        metrics.dedupConflict();
      }
    }
  }

  @Override
  public void duplicateParked() {
    metrics.dedupParked();
  }

  @Override
  public void skipped(SkipReason reason) {
    metrics.recordSkipped(reason);
  }

  /** Sets the gauges from each API's lane as it is now. */
  public void sampleLanes(Function<Api, CallLane<?>> lanes) {
    for (Api api : Api.values()) {
      CallLane<?> lane = lanes.apply(api);
      metrics.setPermittedRate(api, lane.permittedRate());
      metrics.setArrivalGuard(api, lane.arrivalGuard().toNanos() / 1e9);
      metrics.setInFlight(api, lane.pending());
      metrics.setBreakerOpen(api, lane.breakerHolds());
    }
  }
}
