package io.inferlens.privacy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Secrets}.
 *
 * @author Inferlens
 */
class SecretsTests {

    @ParameterizedTest
    @ValueSource(strings = { "gpt-4o-mini", "claude-3-5-sonnet-20241022", "llama3.1:8b", "deepseek-r1",
            "meta-llama/Llama-3.1-8B-Instruct", "sim-small", "gemini-1.5-pro@001", "dbrx_instruct" })
    void modelNamesAreKeptAsTheyAre(String name) {
        assertThat(Secrets.safeName(name)).isSameAs(name);
    }

    @Test
    void keyInPlaceOfANameIsMasked() {
        assertThat(Secrets.safeName("sk-live-0123456789abcdefghij")).isEqualTo("****");
        assertThat(Secrets.safeName("model api_key=abc123")).isEqualTo("model api_key=****");
        assertThat(Secrets.safeName("Bearer abc.def.ghi")).isEqualTo("Bearer ****");
        // Plain characters only, but a key and a colon: the patterns decide.
        assertThat(Secrets.safeName("token:abc123")).isEqualTo("token:****");
        assertThat(Secrets.safeName("API_KEY:abc123")).isEqualTo("API_KEY:****");
        assertThat(Secrets.safeName("model/password:hunter2")).isEqualTo("model/password:****");
    }

    @Test
    void whitespaceControlCharactersDoNotHideASecret() {
        assertThat(Secrets.safeName("Bearer\tabc.def.ghi")).isEqualTo("Bearer\t****".replace('\t', '?'));
        assertThat(Secrets.safeName("password\n=hunter2")).isEqualTo("password?=****");
    }

    @Test
    void keyCutByTheLengthLimitIsStillMasked() {
        String name = "m".repeat(120) + "/sk-live-0123456789abcdefghij";
        // Cutting first would leave "mmm.../sk-liv", no longer recognised as a key and
        // already without "sk-live": masked first, the key is replaced whole.
        assertThat(Secrets.safeName(name)).isEqualTo("m".repeat(120) + "/****");
    }

    @Test
    void controlCharactersAreReplacedAndLongNamesCut() {
        assertThat(Secrets.safeName("forged\nline\u0007")).isEqualTo("forged?line?");
        String cut = Secrets.safeName("m".repeat(10_000));
        assertThat(cut).hasSize(Secrets.MAX_NAME_LENGTH).endsWith("…");
    }

    @Test
    void nullStaysNull() {
        assertThat(Secrets.safeName(null)).isNull();
    }

}
