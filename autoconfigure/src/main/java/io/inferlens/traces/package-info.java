/**
 * Trace store: recent traces kept in memory as compact immutable spans, bounded in the
 * number of traces and of spans per trace, queried by errors, duration and attribute and
 * read back as span trees with their secrets masked. Fed by an OpenTelemetry SDK span
 * processor, so it works with or without a remote exporter.
 */
@NullMarked
package io.inferlens.traces;

import org.jspecify.annotations.NullMarked;
