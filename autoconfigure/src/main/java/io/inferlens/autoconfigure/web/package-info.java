/**
 * Auto-configuration of the request logging filter of servlet web applications.
 */
@NullMarked
package io.inferlens.autoconfigure.web;

import org.jspecify.annotations.NullMarked;
