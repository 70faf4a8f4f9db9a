package io.sonde.platform.observability;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Whether spans are exported, from the standard OpenTelemetry settings (an environment variable or
 * the matching {@code -D} system property, the property winning as in the SDK's autoconfiguration):
 * a traces exporter other than {@code none}, or else an OTLP endpoint. The SDK's own default (OTLP
 * to localhost) is not taken as a wish: nothing is exported until one of them is set.
 */
final class TraceExport {
    private static final String EXPORTER = "otel.traces.exporter";
    private static final String DISABLED = "otel.sdk.disabled";
    private static final String[] ENDPOINTS = {
        "otel.exporter.otlp.endpoint", "otel.exporter.otlp.traces.endpoint"
    };

    private TraceExport() {}

    /** From this process's environment and system properties. */
    static boolean asked() {
        return asked(System.getenv(), System.getProperties());
    }

    static boolean asked(Map<String, String> env, Properties properties) {
        if ("true".equalsIgnoreCase(setting(DISABLED, env, properties))) {
            return false;
        }
        String exporter = setting(EXPORTER, env, properties);
        if (exporter != null) {
            return !exporter.trim().toLowerCase(Locale.ROOT).equals("none");
        }
        for (String endpoint : ENDPOINTS) {
            if (setting(endpoint, env, properties) != null) {
                return true;
            }
        }
        return false;
    }

    // OTEL_EXPORTER_OTLP_ENDPOINT is the environment form of otel.exporter.otlp.endpoint.
    private static String setting(String property, Map<String, String> env, Properties properties) {
        String value = properties.getProperty(property);
        if (value == null) {
            value = env.get(property.toUpperCase(Locale.ROOT).replace('.', '_'));
        }
        return value == null || value.isBlank() ? null : value;
    }
}
