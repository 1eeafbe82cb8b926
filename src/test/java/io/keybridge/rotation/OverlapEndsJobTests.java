package io.keybridge.rotation;

import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;

/** One trigger ends the overlaps of a batch: each in turn, and one that fails does not stop the others. */
class OverlapEndsJobTests {

    @Test
    void everyOverlapOfTheBatchIsEndedEvenWhenOneFails() {
        OverlapEnd overlapEnd = mock(OverlapEnd.class);
        List<UUID> rotations = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        doThrow(new IllegalStateException("database busy")).when(overlapEnd).endOverlap(rotations.get(1));
        JobExecutionContext context = mock(JobExecutionContext.class);
        JobDataMap data = new JobDataMap();
        data.put(
                RotationScheduler.ROTATION_IDS,
                String.join(",", rotations.stream().map(UUID::toString).toList()));
        when(context.getMergedJobDataMap()).thenReturn(data);

        new OverlapEndsJob(overlapEnd).execute(context);

        rotations.forEach(rotation -> verify(overlapEnd).endOverlap(rotation));
    }
}
