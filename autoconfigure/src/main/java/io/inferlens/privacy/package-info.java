/**
 * Masking of secrets (credentials, API keys, tokens, passwords) in text that Inferlens
 * records, logs or exports.
 */
@NullMarked
package io.inferlens.privacy;

import org.jspecify.annotations.NullMarked;
