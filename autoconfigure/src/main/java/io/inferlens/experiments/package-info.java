/**
 * A/B experiments: sticky, weighted assignment of subjects to variants, outcomes per
 * variant and their comparison with the control, counted in metrics and tagged on the
 * current span.
 */
@NullMarked
package io.inferlens.experiments;

import org.jspecify.annotations.NullMarked;
