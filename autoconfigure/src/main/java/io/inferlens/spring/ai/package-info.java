/**
 * Spring AI support: token usage read from Spring AI's responses.
 */
@NullMarked
package io.inferlens.spring.ai;

import org.jspecify.annotations.NullMarked;
