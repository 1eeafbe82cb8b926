package io.keybridge.web;

import java.net.URI;

/** Stable problem {@code type} URIs, one per kind of error; clients may switch on them. Listed in the README. */
public final class ProblemTypes {

    private ProblemTypes() {}

    /** The problem type for a slug such as {@code validation}. */
    public static URI of(String slug) {
        return URI.create("urn:keybridge:problem:" + slug);
    }
}
