package io.keybridge.dashboard;

import io.keybridge.usage.UsageBaseline;
import io.keybridge.usage.UsageStore.UsageHour;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A key's verifications per hour, laid out for an SVG the page draws itself (no script, nothing inline: the pages keep
 * {@code default-src 'self'}). Each hour is a stacked bar: valid, refused for a missing scope, refused for its address;
 * the three are told apart by pattern as well as colour. The baseline the anomaly detector uses is a dashed line, the
 * spike threshold a dotted one; rotations and findings are marked with a letter. Every number is also in
 * {@link #rows()}, for a table.
 *
 * @param yMax the top of the scale, in requests per hour
 */
record UsageChart(
        int width,
        int height,
        int plotLeft,
        int plotRight,
        int plotTop,
        int plotBottom,
        long yMax,
        List<Bar> bars,
        @Nullable Line median,
        @Nullable Line threshold,
        List<Marker> markers,
        List<Tick> xTicks,
        List<Tick> yTicks,
        List<UsageHour> rows,
        UsageBaseline.Baseline baseline,
        String summary) {

    static final int WIDTH = 720;
    static final int HEIGHT = 220;
    static final int LEFT = 44;
    static final int RIGHT = 8;
    static final int TOP = 18;
    static final int BOTTOM = 24;

    /** One hour: three stacked segments, bottom up; coordinates as text with one decimal. */
    record Bar(String x, String width, Segment valid, Segment scope, Segment refused, String title) {}

    record Segment(String y, String height) {
        public boolean empty() {
            return height.equals("0.0");
        }
    }

    record Line(String y, String label, String labelY) {}

    /** A rotation ({@code R}) or a finding ({@code F}) at its hour. */
    record Marker(String x, String letter, String kind, String title) {}

    record Tick(String at, String label) {}

    /** A rotation or finding to mark. */
    record Event(Instant at, String letter, String kind, String title) {}

    /**
     * @param hours the key's hours with use in the last {@code span}, oldest first
     * @param now the chart ends with the hour holding it
     */
    static UsageChart of(
            List<UsageHour> hours, UsageBaseline.Baseline baseline, List<Event> events, Instant now, Duration span) {
        Instant end = now.truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
        int slots = (int) span.toHours();
        Instant start = end.minus(slots, ChronoUnit.HOURS);
        Map<Instant, UsageHour> byHour = new HashMap<>();
        hours.forEach(hour -> byHour.put(hour.hour(), hour));
        long peak = hours.stream().mapToLong(UsageHour::requests).max().orElse(0);
        long total = hours.stream().mapToLong(UsageHour::requests).sum();
        // the scale holds the tallest hour and the baseline; the spike threshold only if it is not far above both
        long top = Math.max(Math.max(peak, baseline.medianBusyHour()), 1);
        if (baseline.spikeFrom() <= top * 2) {
            top = Math.max(top, baseline.spikeFrom());
        }
        long yMax = niceCeiling(top);
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotBottom = HEIGHT - BOTTOM;
        double slot = plotWidth / (double) slots;
        double plotHeight = plotBottom - TOP;

        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            UsageHour hour = byHour.get(start.plus(i, ChronoUnit.HOURS));
            if (hour == null) {
                continue;
            }
            double x = LEFT + i * slot;
            double base = plotBottom;
            Segment valid = segment(base, hour.valid(), yMax, plotHeight);
            base -= height(hour.valid(), yMax, plotHeight);
            Segment scope = segment(base, hour.missingScope(), yMax, plotHeight);
            base -= height(hour.missingScope(), yMax, plotHeight);
            Segment refused = segment(base, hour.sourceRefused(), yMax, plotHeight);
            bars.add(new Bar(
                    number(x),
                    number(Math.max(slot - 0.4, 0.6)),
                    valid,
                    scope,
                    refused,
                    Times.hour(hour.hour()) + " UTC: " + hour.requests() + " requests, " + hour.valid() + " valid, "
                            + hour.missingScope() + " missing a scope, " + hour.sourceRefused()
                            + " from an address not allowed"));
        }
        Line median = baseline.busyHours() == 0
                ? null
                : line(
                        baseline.medianBusyHour(),
                        yMax,
                        plotHeight,
                        plotBottom,
                        "baseline " + baseline.medianBusyHour());
        Line threshold = baseline.spikeFrom() > yMax
                ? null
                : line(baseline.spikeFrom(), yMax, plotHeight, plotBottom, "spike ≥ " + baseline.spikeFrom());

        List<Marker> markers = events.stream()
                .filter(event -> !event.at().isBefore(start) && event.at().isBefore(end))
                .sorted(Comparator.comparing(Event::at))
                .map(event -> new Marker(
                        number(LEFT + Duration.between(start, event.at()).toMinutes() / 60.0 * slot),
                        event.letter(),
                        event.kind(),
                        event.title()))
                .toList();

        List<Tick> xTicks = new ArrayList<>();
        int step = slots > 24 * 7 ? 48 : 24;
        for (int i = 0; i < slots; i += step) { // none at the right edge, where its label would be cut
            xTicks.add(new Tick(number(LEFT + i * slot), Times.dayOfMonth(start.plus(i, ChronoUnit.HOURS))));
        }
        List<Tick> yTicks = List.of(
                new Tick(number(plotBottom), "0"),
                new Tick(number(plotBottom - plotHeight / 2), Long.toString(yMax / 2)),
                new Tick(number(TOP), Long.toString(yMax)));
        String summary = total == 0
                ? "No verifications in the last " + span.toDays() + " days."
                : total + " verifications in the last " + span.toDays() + " days; the busiest hour had " + peak
                        + "; the key's baseline (median busy hour) is " + baseline.medianBusyHour()
                        + " and an hour from " + baseline.spikeFrom() + " on is a spike.";
        return new UsageChart(
                WIDTH,
                HEIGHT,
                LEFT,
                WIDTH - RIGHT,
                TOP,
                plotBottom,
                yMax,
                List.copyOf(bars),
                median,
                threshold,
                markers,
                List.copyOf(xTicks),
                yTicks,
                List.copyOf(hours),
                baseline,
                summary);
    }

    private static Segment segment(double base, long value, long yMax, double plotHeight) {
        double height = height(value, yMax, plotHeight);
        return new Segment(number(base - height), number(height));
    }

    private static double height(long value, long yMax, double plotHeight) {
        return value <= 0 ? 0 : Math.max(value * plotHeight / yMax, 1.0); // an hour with any use shows
    }

    private static Line line(long value, long yMax, double plotHeight, int plotBottom, String label) {
        double y = plotBottom - value * plotHeight / yMax;
        return new Line(number(y), label, number(Math.max(y - 3, 10)));
    }

    /** 1, 2 or 5 times a power of ten, at or above {@code value}. */
    static long niceCeiling(long value) {
        long power = 1;
        while (power * 10 <= value) {
            power *= 10;
        }
        for (long factor : new long[] {1, 2, 5, 10}) {
            if (factor * power >= value) {
                return factor * power;
            }
        }
        return 10 * power;
    }

    static String number(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
