package dev.idvstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.avro.VerificationRequest;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

/**
 * Kafka Streams may init a processor again after closing it (a task revived after corruption, or
 * resumed after a revocation): its calls must run in a new scope, not in the one close cancelled.
 */
class VerifyProcessorReinitTest {

  private final VerifyProcessorFixture task = new VerifyProcessorFixture(EventDelivery.IN_TRANSACTION);

  @Test
  void shouldCallInANewScopeWhenInitializedAgainAfterClose() {
    MockProcessorContext<String, SpecificRecord> context = task.start();
    VerifyProcessor processor = task.processor(context);
    task.process(context, "b-1");
    processor.close();
    assertThat(task.invoker.scopes.get(0).isCancelled()).isTrue();

    processor.init(context);
    task.process(context, "b-2");

    // b-1, left IN_FLIGHT by the first life, is called again, and b-2 is new: both in a live scope
    assertThat(task.invoker.calls).extracting(VerificationRequest::getBizId).containsExactly("b-1", "b-1", "b-2");
    assertThat(task.invoker.scopes.subList(1, 3)).as("the second life's calls are not cancelled")
        .noneMatch(dev.idvstreams.async.CancelScope::isCancelled);
  }
}
