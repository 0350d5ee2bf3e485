/**
 * LangChain4j support: a {@code ChatModelListener} that observes the calls of LangChain4j
 * chat models as GenAI client spans, metrics and records.
 */
@NullMarked
package io.inferlens.langchain4j;

import org.jspecify.annotations.NullMarked;
