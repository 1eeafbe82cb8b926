package io.keybridge.lifecycle;

import java.util.UUID;

/** A key was revoked for good; nothing about it is scheduled any more. */
public record KeyRevoked(UUID keyId) {}
