package io.keybridge.web;

import org.jspecify.annotations.Nullable;

/** One broken rule: the field (null for the whole body), the rule's stable name, and a message for people. */
public record FieldProblem(@Nullable String field, String rule, String message) {}
