package io.keybridge.lifecycle;

import io.keybridge.keys.ApiKey;
import io.keybridge.keys.KeyVersion;
import java.util.List;

/** A key with its current version and where that version was delivered. */
public record KeyDetails(ApiKey key, KeyVersion currentVersion, List<DestinationStatus> destinations) {}
