package io.sonde.platform.observability;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per line: {@code ts}, {@code level}, {@code logger}, {@code thread}, {@code msg},
 * inside a span {@code trace_id} and {@code span_id} (the names OpenTelemetry's log data model and
 * most log shippers use), and with an exception {@code error}. Log shippers parse it without
 * configuration. The span is the one current on the logging thread: java.util.logging formats on
 * the caller's thread, so it is the span the line was written in.
 */
final class JsonLogFormatter extends Formatter {
    @Override
    public String format(LogRecord record) {
        StringBuilder json = new StringBuilder(256).append('{');
        field(json, "ts", record.getInstant().toString()).append(',');
        field(json, "level", record.getLevel().getName()).append(',');
        field(json, "logger", String.valueOf(record.getLoggerName())).append(',');
        field(json, "thread", Thread.currentThread().getName()).append(',');
        field(json, "msg", formatMessage(record));
        SpanContext span = Span.current().getSpanContext();
        if (span.isValid()) {
            json.append(',');
            field(json, "trace_id", span.getTraceId()).append(',');
            field(json, "span_id", span.getSpanId());
        }
        if (record.getThrown() != null) {
            StringWriter stack = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(stack));
            json.append(',');
            field(json, "error", stack.toString());
        }
        return json.append('}').append(System.lineSeparator()).toString();
    }

    private static StringBuilder field(StringBuilder json, String name, String value) {
        json.append('"').append(name).append("\":\"");
        escape(json, value == null ? "" : value);
        return json.append('"');
    }

    static void escape(StringBuilder out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }
}
