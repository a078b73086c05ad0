package io.robustmq.ctl;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints JSON objects as a table: one column per field named, one row per object.
 */
final class Table
{
    private Table()
    {
    }

    static void print(final PrintWriter out, final JsonNode rows, final String... fields)
    {
        final List<String[]> lines = new ArrayList<>();
        lines.add(header(fields));
        for (final JsonNode row : rows)
        {
            final String[] cells = new String[fields.length];
            for (int i = 0; i < fields.length; i++)
            {
                final JsonNode value = row.get(fields[i]);
                cells[i] = value == null || value.isNull() ? "-" : value.isTextual() && value.asText().isEmpty() ? "-" :
                    value.isContainerNode() ? (value.isEmpty() ? "-" : value.toString()) : value.asText();
            }
            lines.add(cells);
        }
        final int[] widths = new int[fields.length];
        for (final String[] line : lines)
        {
            for (int i = 0; i < line.length; i++)
            {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (final String[] line : lines)
        {
            final StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++)
            {
                text.append(i == line.length - 1 ? line[i] : String.format("%-" + (widths[i] + 2) + "s", line[i]));
            }
            out.println(text.toString().stripTrailing());
        }
        out.flush();
    }

    private static String[] header(final String[] fields)
    {
        final String[] header = new String[fields.length];
        for (int i = 0; i < fields.length; i++)
        {
            header[i] = fields[i].toUpperCase(java.util.Locale.ROOT);
        }
        return header;
    }
}
