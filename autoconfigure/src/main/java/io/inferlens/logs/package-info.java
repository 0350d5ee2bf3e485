/**
 * Logs per trace: recent log events kept per trace id in a bounded in-memory store, read
 * back by trace or by level with their secrets masked, fed by a Logback appender.
 */
@NullMarked
package io.inferlens.logs;

import org.jspecify.annotations.NullMarked;
