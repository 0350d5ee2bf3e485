/**
 * Spring AI support: every chat, embedding and tool call Spring AI observes gets
 * Inferlens' records, metrics, cost and span attributes, with no annotation; token usage
 * read from Spring AI's responses.
 */
@NullMarked
package io.inferlens.spring.ai;

import org.jspecify.annotations.NullMarked;
