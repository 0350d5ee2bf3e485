/**
 * Auto-configuration of A/B experiments.
 */
@NullMarked
package io.inferlens.autoconfigure.experiments;

import org.jspecify.annotations.NullMarked;
