package io.keybridge.delivery;

/**
 * A field of a destination type beyond its location, as the dashboard's create form and the CLI offer it: posted as
 * the request field {@code name}, left out when empty.
 *
 * @param label what the form calls it, e.g. {@code AWS region}
 */
public record FormField(String name, String label, int maxLength) {}
