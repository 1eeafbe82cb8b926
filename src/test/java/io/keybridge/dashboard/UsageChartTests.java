package io.keybridge.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.usage.UsageBaseline;
import io.keybridge.usage.UsageStore.HourCount;
import io.keybridge.usage.UsageStore.UsageHour;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageChartTests {

    private static final Instant NOW = Instant.parse("2026-12-04T10:40:00Z");
    private static final Duration SPAN = Duration.ofDays(14);

    @Test
    void eachHourIsAStackOfValidMissingScopeAndRefusedScaledToTheTallest() {
        Instant hour = NOW.truncatedTo(ChronoUnit.HOURS);
        List<UsageHour> hours =
                List.of(new UsageHour(hour.minus(Duration.ofDays(1)), 5, 0, 0), new UsageHour(hour, 205, 30, 5));
        UsageChart chart = UsageChart.of(hours, new UsageBaseline.Baseline(5, 100, 40), List.of(), NOW, SPAN);

        assertThat(chart.yMax()).isEqualTo(500);
        assertThat(chart.bars()).hasSize(2);
        UsageChart.Bar spike = chart.bars().getLast();
        double plot = chart.plotBottom() - chart.plotTop();
        assertThat(Double.parseDouble(spike.valid().height()))
                .isCloseTo(170 * plot / 500, org.assertj.core.data.Offset.offset(0.1));
        assertThat(Double.parseDouble(spike.scope().height()))
                .isCloseTo(30 * plot / 500, org.assertj.core.data.Offset.offset(0.1));
        // stacked: each segment sits on the one below
        assertThat(Double.parseDouble(spike.scope().y())
                        + Double.parseDouble(spike.scope().height()))
                .isCloseTo(Double.parseDouble(spike.valid().y()), org.assertj.core.data.Offset.offset(0.11));
        assertThat(spike.title()).contains("205 requests", "170 valid", "30 missing a scope", "5 from an address");
        // the last bar is the current hour, at the right end
        assertThat(Double.parseDouble(spike.x()) + Double.parseDouble(spike.width()))
                .isLessThanOrEqualTo(chart.plotRight());
        assertThat(chart.median()).isNotNull();
        assertThat(chart.threshold()).isNotNull();
        assertThat(chart.threshold().label()).isEqualTo("spike ≥ 100");
        assertThat(chart.summary()).contains("210 verifications", "busiest hour had 205");
        assertThat(chart.rows()).hasSize(2);
    }

    @Test
    void aThresholdFarAboveTheTrafficStaysOffTheScaleAndEventsOutsideTheSpanAreNotMarked() {
        Instant hour = NOW.truncatedTo(ChronoUnit.HOURS);
        UsageChart chart = UsageChart.of(
                List.of(new UsageHour(hour, 3, 0, 0)),
                new UsageBaseline.Baseline(3, 100, 20),
                List.of(
                        new UsageChart.Event(NOW.minusSeconds(60), "R", "rotation", "rotated"),
                        new UsageChart.Event(NOW.minus(Duration.ofDays(20)), "F", "finding", "old")),
                NOW,
                SPAN);
        assertThat(chart.yMax()).isEqualTo(5);
        assertThat(chart.threshold()).isNull();
        assertThat(chart.markers()).extracting(UsageChart.Marker::letter).containsExactly("R");
    }

    @Test
    void noUseDrawsAnEmptyChartThatSaysSo() {
        UsageChart chart = UsageChart.of(List.of(), new UsageBaseline.Baseline(0, 100, 0), List.of(), NOW, SPAN);
        assertThat(chart.bars()).isEmpty();
        assertThat(chart.median()).isNull();
        assertThat(chart.summary()).isEqualTo("No verifications in the last 14 days.");
    }

    @Test
    void niceCeilingsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertThat(List.of(1L, 3L, 7L, 10L, 11L, 205L, 999L, 1001L).stream()
                        .map(UsageChart::niceCeiling)
                        .toList())
                .containsExactly(1L, 5L, 10L, 10L, 20L, 500L, 1000L, 2000L);
    }

    @Test
    void aSparklineHasAPointPerHourAndSaysItsNumbersInWords() {
        Instant hour = NOW.truncatedTo(ChronoUnit.HOURS);
        Sparkline line = Sparkline.of(
                List.of(new HourCount(hour.minus(Duration.ofHours(3)), 40), new HourCount(hour, 10)),
                NOW,
                Duration.ofDays(7));
        assertThat(line.points().split(" ")).hasSize(168);
        assertThat(line.total()).isEqualTo(50);
        assertThat(line.peak()).isEqualTo(40);
        assertThat(line.label()).isEqualTo("50 verifications in 7 days, at most 40 in an hour");
        assertThat(line.points().split(" ")[164]).endsWith(",1.0"); // the peak at the top
        assertThat(Sparkline.of(List.of(), NOW, Duration.ofDays(7)).label()).isEqualTo("no verifications in 7 days");
    }
}
