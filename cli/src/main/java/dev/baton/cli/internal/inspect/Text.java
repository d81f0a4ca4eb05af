package dev.baton.cli.internal.inspect;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Formatting shared by the inspection commands: times, durations, sizes and aligned tables. */
final class Text {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private Text() {}

    static String time(Instant instant) {
        return instant == null ? "-" : TIME.format(instant);
    }

    static String time(Optional<Instant> instant) {
        return time(instant.orElse(null));
    }

    /** {@code 0.123s}, {@code 12.3s}, {@code 2m03s}, {@code 1h02m}. */
    static String duration(Duration d) {
        if (d == null) {
            return "-";
        }
        long millis = d.toMillis();
        if (millis < 10_000) {
            return String.format("%.3fs", millis / 1000.0);
        }
        if (millis < 60_000) {
            return String.format("%.1fs", millis / 1000.0);
        }
        long seconds = millis / 1000;
        if (seconds < 3600) {
            return String.format("%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format("%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
    }

    static String duration(Optional<Duration> d) {
        return duration(d.orElse(null));
    }

    /** {@code 512 B}, {@code 1.5 KiB}, {@code 3.2 MiB}. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format("%.1f %s", value, units[unit]);
    }

    /** The first line of {@code text}, cut to {@code max} characters. */
    static String oneLine(String text, int max) {
        if (text == null) {
            return "";
        }
        String line = text.lines().findFirst().orElse("");
        return line.length() <= max ? line : line.substring(0, max - 3) + "...";
    }

    /** A table whose columns are padded to their widest cell; the last column is not padded. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            rows.add(header);
        }

        Table row(Object... cells) {
            String[] row = new String[cells.length];
            for (int i = 0; i < cells.length; i++) {
                row[i] = cells[i] == null ? "-" : cells[i].toString();
            }
            rows.add(row);
            return this;
        }

        boolean isEmpty() {
            return rows.size() == 1;
        }

        String render(String indent) {
            int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
            int[] widths = new int[columns];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            StringBuilder out = new StringBuilder();
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder(indent);
                for (int i = 0; i < row.length; i++) {
                    line.append(row[i]);
                    if (i < row.length - 1) {
                        line.append(" ".repeat(widths[i] - row[i].length() + 2));
                    }
                }
                out.append(line.toString().stripTrailing()).append('\n');
            }
            return out.toString();
        }
    }
}
