package io.keybridge.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain text table: a header, left-aligned columns two spaces apart, long cells cut with an ellipsis.
 *
 * <p>Not picocli's {@code Help.TextTable}: it reads {@code @|style text|@} markup in every cell, even with ANSI off,
 * and drops it, so a key named {@code @|red x|@ y} would be listed as {@code x y}. Cells here are data (names, owners,
 * audit details that callers chose) and are printed exactly as they are, control characters aside.
 */
final class Table {

    private static final int MAX_CELL = 48;

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... header) {
        this.header = List.of(header);
    }

    Table row(String... cells) {
        List<String> row = new ArrayList<>();
        for (String cell : cells) {
            String clean = cell == null ? "" : cell.replaceAll("\\p{Cntrl}", " ");
            row.add(clean.length() > MAX_CELL ? clean.substring(0, MAX_CELL - 1) + "…" : clean);
        }
        rows.add(row);
        return this;
    }

    void print(PrintWriter out) {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        line(out, header, widths);
        for (List<String> row : rows) {
            line(out, row, widths);
        }
        out.flush();
    }

    private static void line(PrintWriter out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            line.append(cells.get(i));
            if (i < cells.size() - 1) {
                line.append(" ".repeat(widths[i] - cells.get(i).length() + 2));
            }
        }
        out.println(line.toString().stripTrailing());
    }
}
