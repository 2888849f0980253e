package dev.idvstreams.topology;

import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.avro.VerificationRequest;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Passes valid requests on and turns the others into dead letters at stage VALIDATION. */
final class ValidateProcessor implements Processor<String, VerificationRequest, String, SpecificRecord> {

  private final RequestValidator validator;
  private ProcessorContext<String, SpecificRecord> context;

  ValidateProcessor(RequestValidator validator) {
    this.validator = validator;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, VerificationRequest> record) {
    List<Violation> violations = validator.validate(record.value());
    if (violations.isEmpty()) {
      context.forward(record.withValue(record.value()));
      return;
    }
    RecordMetadata source = context.recordMetadata().orElseThrow();
    String code = violations.get(0).code();
    String message = violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
    DeadLetter letter = DeadLetters.builder(DeadLetterStage.VALIDATION, code, message, source.topic(),
        source.partition(), source.offset(), context.currentSystemTimeMs())
      .setBizId(record.value().getBizId())
      .setRequest(record.value())
      .build();
    context.forward(record.<SpecificRecord>withValue(letter)
      .withHeaders(DeadLetterHeaders.of(RequestValidator.class.getName(), letter)));
  }
}
