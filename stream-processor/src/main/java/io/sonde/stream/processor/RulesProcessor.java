package io.sonde.stream.processor;

import io.sonde.proto.v1.AlertRule;
import io.sonde.stream.alert.Rule;
import io.sonde.stream.alert.RuleBook;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global rules store (every instance reads the whole compacted rules topic) and the
 * instance's {@link RuleBook} in step with it. Runs on Kafka Streams' global thread.
 */
final class RulesProcessor implements Processor<String, AlertRule, Void, Void> {
    static final String RULE_CHANGES = "rule-changes";

    private static final System.Logger LOG = System.getLogger(RulesProcessor.class.getName());

    private final RuleBook book;
    private KeyValueStore<String, AlertRule> store;
    private Sensor changes;

    RulesProcessor(RuleBook book) {
        this.book = book;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(DeviceProcessor.RULES_STORE);
        this.changes =
                context.metrics()
                        .addRateTotalSensor(
                                ProcessorSensors.SCOPE,
                                "rules",
                                RULE_CHANGES,
                                Sensor.RecordingLevel.INFO);
        book.reload(() -> read(store));
    }

    @Override
    public void process(Record<String, AlertRule> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
        book.reload(() -> read(store));
        changes.record();
    }

    /** The valid rules of {@code store}; a record that is no valid rule is skipped and logged. */
    static List<Rule> read(KeyValueStore<String, AlertRule> store) {
        List<Rule> rules = new ArrayList<>();
        try (KeyValueIterator<String, AlertRule> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, AlertRule> e = all.next();
                try {
                    rules.add(Rule.fromProto(e.value.toBuilder().setId(e.key).build()));
                } catch (IllegalArgumentException bad) {
                    LOG.log(Level.WARNING, "skipping rule {0}: {1}", e.key, bad.getMessage());
                }
            }
        }
        return rules;
    }
}
