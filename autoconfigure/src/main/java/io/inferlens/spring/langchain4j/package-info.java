/**
 * LangChain4j support on the Spring side: the streams of streaming chat model beans
 * watched for their first partial response.
 */
@NullMarked
package io.inferlens.spring.langchain4j;

import org.jspecify.annotations.NullMarked;
