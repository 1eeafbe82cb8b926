package io.keybridge.lifecycle;

import io.keybridge.keys.ApiKey;
import io.keybridge.keys.KeyVersion;
import java.util.List;

/**
 * A key with its current version (the newest {@code ACTIVE} one, or the newest at all), where that version was
 * delivered, and how its rotation stands.
 */
public record KeyDetails(
        ApiKey key, KeyVersion currentVersion, List<DestinationStatus> destinations, RotationStatus rotation) {

    /** {@code OK}; {@code ROTATING} while a new version is delivered; {@code OVERDUE} after a failed rotation. */
    public enum RotationStatus {
        OK,
        ROTATING,
        OVERDUE
    }
}
