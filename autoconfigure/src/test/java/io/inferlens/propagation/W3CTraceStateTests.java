package io.inferlens.propagation;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.internal.W3CTraceContextEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link W3CTraceState}.
 *
 * @author Inferlens
 */
class W3CTraceStateTests {

    static List<String> level2Keys() {
        return List.of("tenant@vendor", "z".repeat(256), "t".repeat(241) + "@" + "v".repeat(14), "t".repeat(242) + "@v",
                "t@" + "v".repeat(15), "foo@", "foo@@bar", "foo@bar@baz", "1abc", "a_-*/9");
    }

    @ParameterizedTest
    @MethodSource("level2Keys")
    void level2KeyIsKept(String key) {
        TraceState traceState = W3CTraceState.parse("foo=1," + key + "=2");
        assertThat(traceState.asMap()).containsEntry("foo", "1").containsEntry(key, "2").hasSize(2);
    }

    @Test
    void openTelemetryDropsTheWholeTracestateForKeysOfTheLevel1MultiTenantGrammarOnly() {
        // the evidence for parsing here: OpenTelemetry API 1.62 keeps these...
        assertThat(W3CTraceContextEncoding.decodeTraceState("foo=1,tenant@vendor=2").size()).isEqualTo(2);
        assertThat(W3CTraceContextEncoding.decodeTraceState("foo=1," + "z".repeat(256) + "=2").size()).isEqualTo(2);
        // ...and drops every member when one key is valid in Level 2 only
        List<String> level1Invalid = List.of("t".repeat(242) + "@v", "t@" + "v".repeat(15), "foo@", "foo@@bar",
                "foo@bar@baz", "1abc");
        for (String key : level1Invalid) {
            assertThat(W3CTraceContextEncoding.decodeTraceState("foo=1," + key + "=2").isEmpty()).as(key).isTrue();
        }
        // and for duplicated keys or an empty member
        assertThat(W3CTraceContextEncoding.decodeTraceState("foo=1,foo=2").isEmpty()).isTrue();
    }

    @Test
    void headerValuesAreCombinedInOrder() {
        TraceState traceState = W3CTraceState.parse(List.of("foo=1,bar=2", "rojo=1,congo=2", "baz=3").iterator());
        assertThat(traceState).hasToString("foo=1,bar=2,rojo=1,congo=2,baz=3");
        assertThat(List.copyOf(traceState.asMap().keySet())).containsExactly("foo", "bar", "rojo", "congo", "baz");
    }

    @Test
    void emptyAndWhitespaceOnlyMembersAndHeadersAreSkipped() {
        TraceState traceState = W3CTraceState.parse(List.of("", " , \t,foo=1 \t, bar=2,", "  ").iterator());
        assertThat(traceState).hasToString("foo=1,bar=2");
        assertThat(W3CTraceState.parse("").isEmpty()).isTrue();
        assertThat(W3CTraceState.parse(" , ,").isEmpty()).isTrue();
    }

    @Test
    void leadingSpacesOfAValueAreKeptAndTrailingOnesAreNot() {
        assertThat(W3CTraceState.parse("foo=  1  ,bar=2").get("foo")).isEqualTo("  1");
    }

    @Test
    void thirtyTwoMembersAreKeptAndThirtyThreeDropTheTracestate() {
        assertThat(W3CTraceState.parse(members(32)).size()).isEqualTo(32);
        assertThat(W3CTraceState.parse(members(33)).isEmpty()).isTrue();
        assertThat(W3CTraceState.parse(List.of(members(20), members(13).replace("bar", "baz")).iterator()).isEmpty())
            .isTrue();
    }

    @Test
    void ofDuplicatedKeysTheFirstIsKeptWithEveryOtherMember() {
        assertThat(W3CTraceState.parse("foo=1,foo=1")).hasToString("foo=1");
        assertThat(W3CTraceState.parse("foo=1,bar=2,foo=2,baz=3")).hasToString("foo=1,bar=2,baz=3");
        TraceState acrossHeaders = W3CTraceState.parse(List.of("foo=1,bar=2", "foo=3", "baz=4,bar=5").iterator());
        assertThat(acrossHeaders).hasToString("foo=1,bar=2,baz=4");
        assertThat(acrossHeaders.get("foo")).isEqualTo("1");
        assertThat(acrossHeaders.size()).isEqualTo(3);
    }

    @Test
    void duplicatedMemberThatIsInvalidDropsTheWholeTracestate() {
        assertThat(W3CTraceState.parse("foo=1,bar=2,foo=").isEmpty()).isTrue();
        assertThat(W3CTraceState.parse(List.of("foo=1,bar=2", "foo=a=b").iterator()).isEmpty()).isTrue();
    }

    @Test
    void duplicatedMembersCountTowardsTheThirtyTwoMembersReceived() {
        assertThat(W3CTraceState.parse(members(31) + ",bar01=x").size()).isEqualTo(31);
        assertThat(W3CTraceState.parse(List.of(members(32), "bar01=x").iterator()).isEmpty()).isTrue();
    }

    @Test
    void invalidMemberDropsTheWholeTracestate() {
        for (String header : List.of("FOO=1", "foo =1", "foo.bar=1", "@foo=1,bar=2", "foo=bar=baz", "foo=,bar=3",
                "foo=1,bar", "=1", "foo=1," + "z".repeat(257) + "=1", "foo=" + "v".repeat(257), "foo=\u00e9",
                "foo=a\u0001", "foo=a\tb")) {
            assertThat(W3CTraceState.parse(header).isEmpty()).as(header).isTrue();
        }
    }

    @Test
    void longestValueIsKept() {
        assertThat(W3CTraceState.parse("foo=" + "v".repeat(256)).get("foo")).hasSize(256);
    }

    @Test
    void builderMovesAPutKeyToTheFrontAndDropsTheRightMostBeyondThirtyTwo() {
        TraceState traceState = W3CTraceState.parse(members(32))
            .toBuilder()
            .put("bar05", "new")
            .put("t@" + "v".repeat(15), "x")
            .build();
        assertThat(traceState.size()).isEqualTo(32);
        assertThat(List.copyOf(traceState.asMap().keySet())).startsWith("t@" + "v".repeat(15), "bar05", "bar01")
            .doesNotContain("bar32");
        assertThat(traceState.toBuilder().remove("bar05").put("BAD", "x").put("ok", "a,b").build().size())
            .isEqualTo(31);
    }

    @Test
    void encodedByOpenTelemetryWithEveryMember() {
        TraceState traceState = W3CTraceState.parse("foo@@bar=1,1abc=2");
        assertThat(W3CTraceContextEncoding.encodeTraceState(traceState)).isEqualTo("foo@@bar=1,1abc=2");
        assertThat(traceState).isEqualTo(W3CTraceState.builder().put("1abc", "2").put("foo@@bar", "1").build());
    }

    private static String members(int count) {
        return IntStream.rangeClosed(1, count)
            .mapToObj((i) -> "bar%02d=%02d".formatted(i, i))
            .collect(Collectors.joining(","));
    }

}
