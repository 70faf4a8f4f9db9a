package io.sonde.platform.observability;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/** One readable line per record: time, level, short logger name, message, then any stack. */
final class TextLogFormatter extends Formatter {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    @Override
    public String format(LogRecord record) {
        StringBuilder line =
                new StringBuilder()
                        .append(TIME.format(record.getInstant()))
                        .append(' ')
                        .append(record.getLevel().getName())
                        .append(' ')
                        .append(shortName(record.getLoggerName()))
                        .append(": ")
                        .append(formatMessage(record))
                        .append(System.lineSeparator());
        if (record.getThrown() != null) {
            StringWriter stack = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(stack));
            line.append(stack);
        }
        return line.toString();
    }

    private static String shortName(String logger) {
        if (logger == null) {
            return "";
        }
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }
}
