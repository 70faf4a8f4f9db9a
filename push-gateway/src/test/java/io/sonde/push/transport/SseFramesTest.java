package io.sonde.push.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.sonde.push.hub.PushEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SseFramesTest {
    @Test
    void buildsAFrameOncePerEventAndNeverConfusesTwoEvents() {
        SseFrames frames = new SseFrames();
        PushEvent a = new PushEvent("telemetry:d", "telemetry", "c1", "{\"v\":1}");
        PushEvent b = new PushEvent("telemetry:d", "telemetry", "c2", "{\"v\":2}");

        byte[] first = frames.frame(a);

        assertThat(frames.frame(a)).isSameAs(first);
        assertThat(new String(first, StandardCharsets.UTF_8))
                .isEqualTo("id: c1\nevent: telemetry\ndata: {\"v\":1}\n\n");
        assertThat(new String(frames.frame(b), StandardCharsets.UTF_8)).contains("id: c2");
        for (int i = 0; i < 5000; i++) {
            PushEvent e = new PushEvent("c", "telemetry", "id" + i, "{}");
            assertThat(new String(frames.frame(e), StandardCharsets.UTF_8))
                    .startsWith("id: id" + i + "\n");
        }
    }

    @Test
    void splitsMultiLineDataIntoDataFields() {
        assertThat(SseWriter.frame(null, "error", "a\nb\r\nc"))
                .isEqualTo("event: error\ndata: a\ndata: b\ndata: c\n\n");
    }
}
