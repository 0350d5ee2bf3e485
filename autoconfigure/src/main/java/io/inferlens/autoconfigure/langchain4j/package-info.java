/**
 * Auto-configuration of the observation of LangChain4j chat models.
 */
@NullMarked
package io.inferlens.autoconfigure.langchain4j;

import org.jspecify.annotations.NullMarked;
