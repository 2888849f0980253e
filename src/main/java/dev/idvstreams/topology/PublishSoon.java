package dev.idvstreams.topology;

import java.time.Duration;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/** Passes records on and asks for a commit soon ({@link CommitPacer}), so that what they become downstream is visible soon. */
final class PublishSoon<V> implements FixedKeyProcessor<String, V, V> {

  private final CommitPacer pacer;
  private FixedKeyProcessorContext<String, V> context;

  PublishSoon(Duration interval) {
    this.pacer = new CommitPacer(interval);
  }

  @Override
  public void init(FixedKeyProcessorContext<String, V> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, V> record) {
    context.forward(record);
    pacer.written(context);
  }
}
