/**
 * Spring Web support shared by the servlet and reactive stacks: the options of request
 * logging, with Spring's path patterns for exclusions.
 */
@NullMarked
package io.inferlens.spring.web;

import org.jspecify.annotations.NullMarked;
