package io.sonde.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ClusterLayoutTest {
    private final ClusterLayout layout = new ClusterLayout(Path.of("c"), 18000, 2);

    @Test
    void threeBrokersTwoOfEachServiceAndNginxOnDistinctPorts() {
        assertThat(layout.members()).hasSize(10);
        assertThat(layout.members(Member.Kind.BROKER))
                .extracting(Member::port)
                .containsExactly(18092, 18093, 18094);
        assertThat(layout.ports()).doesNotHaveDuplicates().hasSize(3 * 2 + 6 + 3);
        assertThat(layout.bootstrapServers())
                .isEqualTo("127.0.0.1:18092,127.0.0.1:18093,127.0.0.1:18094");
        assertThat(layout.member("push-2"))
                .hasValueSatisfying(m -> assertThat(m.port()).isEqualTo(18122));
        assertThat(layout.member("push-3")).isEmpty();
    }

    @Test
    void brokersStartFirstAndNginxLast() {
        assertThat(layout.members().getFirst().kind()).isEqualTo(Member.Kind.BROKER);
        assertThat(layout.members().getLast().kind()).isEqualTo(Member.Kind.NGINX);
    }

    @Test
    void aBaseOrInstanceCountOutOfRangeIsRefused() {
        assertThatThrownBy(() -> new ClusterLayout(Path.of("c"), 80, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClusterLayout(Path.of("c"), 18000, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nginxProxiesWebSocketsAndStreamsUnbufferedWithoutStickiness() {
        String conf = NginxConfig.render(layout);

        assertThat(conf)
                .contains("listen 127.0.0.1:18080;", "listen 127.0.0.1:18081;")
                .contains("proxy_set_header Upgrade $http_upgrade;")
                .contains("proxy_buffering off;", "proxy_read_timeout 1h;")
                // A failed gateway is not left out: its next trial could be an hour-long stream.
                .contains(
                        "server 127.0.0.1:18121 max_fails=0;",
                        "server 127.0.0.1:18101 max_fails=0;")
                .contains("server 127.0.0.1:18111 max_fails=1 fail_timeout=5s;")
                .doesNotContain("ip_hash", "sticky", "$request_uri", "$args");
    }
}
