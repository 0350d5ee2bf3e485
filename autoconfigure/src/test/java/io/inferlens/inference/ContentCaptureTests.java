package io.inferlens.inference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ContentCapture}.
 *
 * @author Inferlens
 */
class ContentCaptureTests {

    private final ContentCapture capture = new ContentCapture(true, 4096);

    @Test
    void disabledCaptureRecordsNothing() {
        assertThat(ContentCapture.DISABLED.isEnabled()).isFalse();
        assertThat(ContentCapture.DISABLED.capture("hello")).isNull();
        assertThat(new ContentCapture(false, 100).capture("hello")).isNull();
    }

    @Test
    void nullIsCapturedAsNothing() {
        assertThat(this.capture.capture(null)).isNull();
    }

    @Test
    void ordinaryTextIsKeptAsIs() {
        String text = "Summarize: the max_tokens are 300, the token budget is tight; tokens=5; secretary: Ann";
        assertThat(this.capture.capture(text)).isEqualTo(text);
    }

    @Test
    void bearerTokenIsMasked() {
        assertThat(this.capture.capture("call it with Bearer eyJhbGciOi.J9-abc_def~x/y+z= please"))
            .isEqualTo("call it with Bearer **** please");
    }

    @Test
    void apiKeysAreMasked() {
        assertThat(this.capture.capture("keys sk-proj-ABCDEFGH12345678 and sk-ant-api03-xyzXYZ123456, not sk-1"))
            .isEqualTo("keys **** and ****, not sk-1");
    }

    @Test
    void jsonSecretValuesAreMaskedKeepingTheJsonShape() {
        assertThat(this.capture.capture("{\"api_key\": \"v3ryS3cret\", \"model\": \"gpt-4o\", \"token\":\"t0k\"}"))
            .isEqualTo("{\"api_key\": \"****\", \"model\": \"gpt-4o\", \"token\":\"****\"}");
    }

    @Test
    void formSecretValuesAreMasked() {
        assertThat(this.capture.capture("user=bob&password=hunter2&client_secret=abc;x=1"))
            .isEqualTo("user=bob&password=****&client_secret=****;x=1");
    }

    @Test
    void credentialsOfAnAuthorizationHeaderAreMaskedWhateverTheScheme() {
        assertThat(this.capture.capture("Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l"))
            .isEqualTo("Authorization: Basic ****");
        assertThat(this.capture.capture("Authorization: Bearer xyz.abc")).isEqualTo("Authorization: Bearer ****");
        assertThat(this.capture.capture("{\"authorization\": \"Basic abc\"}"))
            .isEqualTo("{\"authorization\": \"Basic ****\"}");
        assertThat(this.capture.capture("authorization=opaque123")).isEqualTo("authorization=****");
    }

    @Test
    void valuesAreCapturedByTheirStringForm() {
        assertThat(this.capture.capture(new Request("password=hunter2", "gpt-4o")))
            .isEqualTo("Request[prompt=password=****, model=gpt-4o]");
    }

    @Test
    void longTextIsCutToTheMaximumLengthEllipsisIncluded() {
        ContentCapture capture = new ContentCapture(true, 10);
        assertThat(capture.capture("abcdefghij")).isEqualTo("abcdefghij");
        assertThat(capture.capture("abcdefghijk")).isEqualTo("abcdefghi…").hasSize(10);
        assertThat(new ContentCapture(true, 1).capture("ab")).isEqualTo("…");
    }

    @Test
    void cuttingNeverSplitsASurrogatePair() {
        assertThat(new ContentCapture(true, 4).capture("ab\uD83D\uDE00cd")).isEqualTo("ab…");
    }

    @Test
    void secretsAreMaskedBeforeTheTextIsCut() {
        assertThat(new ContentCapture(true, 12).capture("password=hunter2andmore")).isEqualTo("password=**…")
            .doesNotContain("hunter");
    }

    @Test
    void maximumLengthBelowOneIsRejectedWhenCapturing() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ContentCapture(true, 0))
            .withMessage("The maximum content length must be at least 1, was 0");
    }

    record Request(String prompt, String model) {

    }

}
