package io.sonde.cli.cluster;

import java.nio.file.Path;
import java.util.List;

/**
 * nginx in front of the local cluster (docs/cluster.md): one server per service kind, round-robin
 * over its instances with no stickiness (any push gateway resumes any client from its cursor); a
 * connection an instance refuses goes to the next one. WebSocket upgrades pass through; SSE and
 * long-poll answers are not buffered; reads may stay quiet for an hour (the gateways send
 * heartbeats or pings every 15–20 s).
 *
 * <p>Passive health checks ({@code max_fails}) only for the processors' API, whose requests are
 * short. nginx clears an instance's failures only when a request to it ends, so a gateway that
 * failed once and then got a WebSocket or SSE stream as its trial request stays marked failed for
 * as long as that stream lasts and gets one new connection per {@code fail_timeout}; with the other
 * gateway dead, devices got 502 for 24 s in a chaos run. Without the marking, a dead gateway costs
 * each new connection one refused connect (immediate on loopback) before the next.
 */
final class NginxConfig {
    // Streams and device sockets: failures are not remembered (see above).
    private static final String LONG_LIVED = " max_fails=0";
    // Short REST requests: an instance that failed is left out for 5 s.
    private static final String SHORT = " max_fails=1 fail_timeout=5s";

    private NginxConfig() {}

    /** The whole nginx.conf for {@code layout}, its paths inside the cluster's folder. */
    static String render(ClusterLayout layout) {
        Path dir = layout.dir();
        StringBuilder c = new StringBuilder();
        c.append("# written by ./sonde cluster; edits are overwritten at the next start\n")
                .append("worker_processes 1;\n")
                .append("pid ")
                .append(dir.resolve("run/nginx.pid"))
                .append(";\n")
                .append("error_log ")
                .append(dir.resolve("logs/nginx-error.log"))
                .append(" crit;\n")
                .append("events { worker_connections 4096; }\n")
                .append("http {\n")
                // The path without the query: an access_token parameter never reaches the log. The
                // error log is held at crit for the same reason: its lines quote the request line.
                .append(
                        "  log_format sonde '$remote_addr [$time_local] \"$request_method $uri\""
                                + " $status $body_bytes_sent $request_time $upstream_addr';\n")
                .append("  access_log ")
                .append(dir.resolve("logs/nginx-access.log"))
                .append(" sonde;\n")
                .append(
                        "  map $http_upgrade $connection_upgrade { ~*^websocket$ upgrade; default"
                                + " ''; }\n");
        // Its temporary files in the cluster's folder too, not in /var/lib/nginx.
        for (String temp : new String[] {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
            c.append("  ")
                    .append(temp)
                    .append("_temp_path ")
                    .append(dir.resolve("run/nginx-" + temp))
                    .append(";\n");
        }
        upstream(c, "ingest", layout.members(Member.Kind.INGEST), LONG_LIVED);
        upstream(c, "processor", layout.members(Member.Kind.PROCESSOR), SHORT);
        upstream(c, "push", layout.members(Member.Kind.PUSH), LONG_LIVED);
        server(c, layout.pushPort(), "push");
        server(c, layout.ingestPort(), "ingest");
        server(c, layout.apiPort(), "processor");
        return c.append("}\n").toString();
    }

    private static void upstream(
            StringBuilder c, String name, List<Member> members, String failures) {
        c.append("  upstream ").append(name).append(" {\n");
        for (Member m : members) {
            c.append("    server 127.0.0.1:").append(m.port()).append(failures).append(";\n");
        }
        c.append("    keepalive 16;\n  }\n");
    }

    private static void server(StringBuilder c, int port, String upstream) {
        c.append("  server {\n")
                .append("    listen 127.0.0.1:")
                .append(port)
                .append(";\n")
                .append("    client_max_body_size 1m;\n")
                .append("    location / {\n")
                .append("      proxy_pass http://")
                .append(upstream)
                .append(";\n")
                .append("      proxy_http_version 1.1;\n")
                .append("      proxy_set_header Upgrade $http_upgrade;\n")
                .append("      proxy_set_header Connection $connection_upgrade;\n")
                .append("      proxy_set_header Host $host;\n")
                .append("      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n")
                .append("      proxy_buffering off;\n")
                .append("      proxy_request_buffering off;\n")
                .append("      proxy_read_timeout 1h;\n")
                .append("      proxy_send_timeout 1h;\n")
                // A refused or failed instance: the next one gets the request, unless it was a
                // POST (a batch might have been written; the device resends it itself).
                .append("      proxy_next_upstream error timeout http_502 http_503;\n")
                .append("      proxy_connect_timeout 2s;\n")
                .append("    }\n  }\n");
    }
}
