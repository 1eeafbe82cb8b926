/**
 * The dashboard: server-rendered pages for the people who run keybridge. It shows everything about a key except the
 * key, and where the key went instead. Signed in with an operator token exchanged for a session cookie; every form
 * carries a CSRF token; the buttons a role may not use are neither shown nor accepted.
 */
@NullMarked
package io.keybridge.dashboard;

import org.jspecify.annotations.NullMarked;
