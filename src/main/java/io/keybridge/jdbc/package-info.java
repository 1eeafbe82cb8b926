/** JDBC helpers every repository shares, on H2 and PostgreSQL alike: part of the shared kernel. */
@NullMarked
package io.keybridge.jdbc;

import org.jspecify.annotations.NullMarked;
