package io.sonde.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KafkaToolsTest {

    @Test
    void producerSummaryTakesTheLastLine() {
        String out =
                "1500000 records sent, 150000.0 records/sec (25.3 MB/sec), 800.0 ms avg latency,"
                    + " 1000.0 ms max latency, 700 ms 50th, 900 ms 95th, 950 ms 99th, 990 ms"
                    + " 99.9th.\n"
                    + "INFO: closing\n"
                    + "1350000 steady state records sent, 169747.123456 records/sec (28.65 MB/sec),"
                    + " 855.12 ms avg latency, 1100.00 ms max latency, 856 ms 50th, 1000 ms 95th,"
                    + " 1070 ms 99th, 1090 ms 99.9th.\n";

        KafkaTools.ProducerResult r = KafkaTools.parseProducer(out).orElseThrow();

        assertThat(r.records()).isEqualTo(1_350_000);
        assertThat(r.recordsPerSecond()).isEqualTo(169747.123456);
        assertThat(r.p50Ms()).isEqualTo(856);
        assertThat(r.p99Ms()).isEqualTo(1070);
        assertThat(r.p999Ms()).isEqualTo(1090);
    }

    @Test
    void consumerRowIsFoundBetweenLogLines() {
        String out =
                "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg,"
                    + " nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec\n"
                    + "INFO: [Consumer clientId=perf] Resetting offset\n"
                    + "2026-11-28 02:59:29:798, 2026-11-28 02:59:31:841, 17.5266, 8.5789, 100000,"
                    + " 48947.6260, 929, 1114, 15.7331, 89766.6068\n";

        KafkaTools.ConsumerResult r = KafkaTools.parseConsumer(out).orElseThrow();

        assertThat(r.records()).isEqualTo(100_000);
        assertThat(r.recordsPerSecond()).isEqualTo(48947.6260);
        assertThat(r.rebalanceMs()).isEqualTo(929);
        assertThat(r.fetchMs()).isEqualTo(1114);
        assertThat(r.fetchRecordsPerSecond()).isEqualTo(89766.6068);
    }

    @Test
    void endToEndNeedsAverageAndPercentiles() {
        String out = "Avg latency: 2.8860 ms\nPercentiles: 50th = 1, 99th = 14, 99.9th = 34\n";

        KafkaTools.EndToEndResult r = KafkaTools.parseEndToEnd(out).orElseThrow();

        assertThat(r.avgMs()).isEqualTo(2.886);
        assertThat(r.p99Ms()).isEqualTo(14);
        assertThat(KafkaTools.parseEndToEnd("Avg latency: 2.8860 ms\n")).isEmpty();
    }
}
