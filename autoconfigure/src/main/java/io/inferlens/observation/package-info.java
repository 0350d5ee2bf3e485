/**
 * Support shared by Inferlens' observers: observation steps that never break the call
 * they observe, and failures logged once.
 */
@NullMarked
package io.inferlens.observation;

import org.jspecify.annotations.NullMarked;
