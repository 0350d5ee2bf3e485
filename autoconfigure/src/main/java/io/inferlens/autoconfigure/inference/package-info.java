/**
 * Auto-configuration of model call observation, pricing and content capture.
 */
@NullMarked
package io.inferlens.autoconfigure.inference;

import org.jspecify.annotations.NullMarked;
