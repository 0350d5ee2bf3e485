package io.inferlens.web;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RequestLogMasker} and the {@link SensitiveNames} it matches with.
 *
 * @author Inferlens
 */
class RequestLogMaskerTests {

    private final RequestLogMasker defaults = new RequestLogMasker();

    private final RequestLogMasker configured = new RequestLogMasker(List.of("X-Tenant-Secret-Ref", "X-Session"),
            List.of("ssn"), List.of("credit_card", "email"));

    @ParameterizedTest
    @ValueSource(strings = { "Authorization", "authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
            "X-Api-Key", "x-api-key", "api-key", "API-KEY" })
    void credentialHeadersAreMaskedWhateverTheirCase(String header) {
        assertThat(this.defaults.maskHeader(header, "Basic dXNlcjpwYXNz")).isEqualTo("****");
    }

    @ParameterizedTest
    @ValueSource(strings = { "X-Auth-Token", "X-Client-Secret", "X-Password", "apiKey" })
    void headersNamedLikeSensitiveParametersAreMasked(String header) {
        assertThat(this.defaults.maskHeader(header, "value")).isEqualTo("****");
    }

    @Test
    void configuredHeadersAreMaskedIgnoringCase() {
        assertThat(this.configured.maskHeader("x-session", "abc")).isEqualTo("****");
        assertThat(this.configured.maskHeader("X-SESSION", "abc")).isEqualTo("****");
        assertThat(this.defaults.maskHeader("X-Session", "abc")).isEqualTo("abc");
    }

    @Test
    void otherHeadersAreKeptWithTheirSecretsMasked() {
        assertThat(this.defaults.maskHeader("X-Tenant", "acme")).isEqualTo("acme");
        assertThat(this.defaults.maskHeader("X-Forwarded-Auth", "Bearer abc.def")).isEqualTo("Bearer ****");
        assertThat(this.defaults.maskHeader("X-Note", "key sk-1234567890abcdef")).isEqualTo("key ****");
    }

    @ParameterizedTest
    @ValueSource(strings = { "password", "PASSWORD", "passwd", "token", "access_token", "refresh-token", "sessionToken",
            "id_token", "api_key", "api-key", "apiKey", "APIKEY", "x-api-key", "XApiKey", "secret", "client_secret",
            "clientSecret", "authorization", "private_key", "password_confirmation" })
    void sensitiveParametersAreMasked(String name) {
        assertThat(this.defaults.isMaskedParameter(name)).isTrue();
        assertThat(this.defaults.maskQuery("model=gpt-4o&" + name + "=s3cr3t-value&n=2"))
            .isEqualTo("model=gpt-4o&" + name + "=****&n=2");
    }

    @ParameterizedTest
    @ValueSource(strings = { "max_tokens", "prompt_tokens", "maxTokens", "tokenizer", "model", "keyword",
            "secretary_name", "passwords_count" })
    void parametersThatOnlyContainASensitiveWordAreKept(String name) {
        assertThat(this.defaults.isMaskedParameter(name)).isFalse();
        assertThat(this.defaults.maskQuery(name + "=42")).isEqualTo(name + "=42");
    }

    @Test
    void configuredParametersAreMaskedByWholeWords() {
        assertThat(this.configured.maskQuery("ssn=123&user_ssn=456&ssnack=1&token=t"))
            .isEqualTo("ssn=****&user_ssn=****&ssnack=1&token=****");
        assertThat(this.defaults.maskQuery("ssn=123")).isEqualTo("ssn=123");
    }

    @Test
    void encodedParameterNamesAreDecodedBeforeMatching() {
        assertThat(this.defaults.maskQuery("api%5Fkey=abc&q=a%20b")).isEqualTo("api%5Fkey=****&q=a%20b");
    }

    @Test
    void queryWithoutValuesOrWithEmptyPairsIsKept() {
        assertThat(this.defaults.maskQuery("flag&&token=&x=1&")).isEqualTo("flag&&token=****&x=1&");
        assertThat(this.defaults.maskQuery("")).isEmpty();
    }

    @Test
    void secretsInKeptQueryValuesAreMasked() {
        assertThat(this.defaults.maskQuery("note=sk-abcdefghijkl")).isEqualTo("note=****");
    }

    @Test
    void sensitiveJsonFieldsOfAnyTypeAreMasked() {
        String json = "{\"model\":\"gpt-4o\",\"api_key\":\"abc\",\"password\" : 1234,\"token\":null,"
                + "\"secret\":{\"a\":[1,{\"b\":\"}\"}]},\"accessToken\":[\"x\",\"y\"],\"enabled\":true}";
        assertThat(this.defaults.maskJson(json))
            .isEqualTo("{\"model\":\"gpt-4o\",\"api_key\":\"****\",\"password\" : \"****\",\"token\":\"****\","
                    + "\"secret\":\"****\",\"accessToken\":\"****\",\"enabled\":true}");
    }

    @Test
    void nestedSensitiveFieldsAreMasked() {
        String json = "{\"auth\":{\"client_secret\":\"s\",\"user\":\"u\"},\"items\":[{\"password\":\"p\"}]}";
        assertThat(this.defaults.maskJson(json))
            .isEqualTo("{\"auth\":{\"client_secret\":\"****\",\"user\":\"u\"},\"items\":[{\"password\":\"****\"}]}");
    }

    @Test
    void tokenCountsOfModelApisAreKept() {
        String json = "{\"max_tokens\":256,\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}";
        assertThat(this.defaults.maskJson(json)).isEqualTo(json);
    }

    @Test
    void stringValuesThatLookLikeSensitiveNamesAreNotTakenForFields() {
        String json = "{\"content\":\"password\",\"role\":\"token\", \"list\":[\"secret\", \"api_key\"]}";
        assertThat(this.defaults.maskJson(json)).isEqualTo(json);
    }

    @Test
    void escapedQuotesInsideValuesDoNotEndThem() {
        String json = "{\"password\":\"a\\\"b\\\\\",\"content\":\"say \\\"token\\\": now\"}";
        assertThat(this.defaults.maskJson(json))
            .isEqualTo("{\"password\":\"****\",\"content\":\"say \\\"token\\\": now\"}");
    }

    @Test
    void truncatedJsonIsMaskedToItsEnd() {
        assertThat(this.defaults.maskJson("{\"model\":\"m\",\"api_key\":\"abcdef"))
            .isEqualTo("{\"model\":\"m\",\"api_key\":\"****\"");
        assertThat(this.defaults.maskJson("{\"secret\":{\"a\":\"b")).isEqualTo("{\"secret\":\"****\"");
        assertThat(this.defaults.maskJson("{\"token\":")).isEqualTo("{\"token\":\"****\"");
        assertThat(this.defaults.maskJson("{\"passw")).isEqualTo("{\"passw");
    }

    @Test
    void configuredFieldsAreMasked() {
        assertThat(this.configured.maskJson("{\"creditCard\":\"4111\",\"email\":\"a@b.c\",\"name\":\"n\"}"))
            .isEqualTo("{\"creditCard\":\"****\",\"email\":\"****\",\"name\":\"n\"}");
        assertThat(this.defaults.maskJson("{\"email\":\"a@b.c\"}")).isEqualTo("{\"email\":\"a@b.c\"}");
    }

    @Test
    void fieldAndParameterNamesAreConfiguredSeparately() {
        assertThat(this.configured.isMaskedField("ssn")).isFalse();
        assertThat(this.configured.isMaskedParameter("email")).isFalse();
    }

    @Test
    void secretsInKeptJsonValuesAreMasked() {
        assertThat(this.defaults.maskJson("{\"content\":\"my key is sk-abcdefghijkl\"}"))
            .isEqualTo("{\"content\":\"my key is ****\"}");
    }

    @Test
    void namesAreSplitIntoWordsAtSeparatorsAndCamelCase() {
        assertThat(SensitiveNames.words("XApiKey")).containsExactly("x", "api", "key");
        assertThat(SensitiveNames.words("access_token")).containsExactly("access", "token");
        assertThat(SensitiveNames.words("HTTPServer2Token")).containsExactly("http", "server2", "token");
        assertThat(SensitiveNames.words("--a..b--")).containsExactly("a", "b");
        assertThat(SensitiveNames.words("")).isEmpty();
    }

}
