package io.inferlens.propagation;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.inferlens.propagation.W3CTestSuiteHarness.Callback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static io.inferlens.propagation.W3CTestSuiteHarness.header;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cases of the W3C Trace Context test suite (w3c/trace-context {@code test/test.py},
 * {@code STRICT_LEVEL} 2, {@code TraceContextTest}, {@code AdvancedTest} and
 * {@code TraceContext2Test}), each request sent as the suite sends it and checked on the
 * service's outgoing call as the suite checks it, through the
 * {@link StrictW3CTraceContextPropagator}. The suite's test is named on each method.
 * Where the suite's assertion alone could not fail (a trace-id compared to a value that
 * is not hex), the trace is also checked not to be the one sent.
 *
 * @author Inferlens
 */
class W3CTestSuiteTests {

    private static final String TRACE_ID = "12345678901234567890123456789012";

    private static final String PARENT_ID = "1234567890123456";

    private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PARENT_ID + "-01";

    private static final String UNSAMPLED = "00-" + TRACE_ID + "-" + PARENT_ID + "-00";

    private static final W3CTestSuiteHarness harness = new W3CTestSuiteHarness();

    @AfterAll
    static void close() {
        harness.close();
    }

    /** {@code test_both_traceparent_and_tracestate_missing}. */
    @Test
    void withoutTraceparentOrTracestateAValidTraceparentIsSent() {
        Callback callback = harness.send();
        assertThat(callback.traceparent().traceId()).isNotEqualTo(TRACE_ID);
        assertThat(callback.tracestateLines()).isEmpty();
    }

    /** {@code test_traceparent_included_tracestate_missing}. */
    @Test
    void traceparentWithoutTracestateContinuesTheTraceWithANewParentId() {
        Callback callback = harness.send(header("traceparent", TRACEPARENT));
        assertThat(callback.traceparent().traceId()).isEqualTo(TRACE_ID);
        assertThat(callback.traceparent().parentId()).isNotEqualTo(PARENT_ID);
    }

    /** {@code test_traceparent_duplicated}. */
    @Test
    void duplicatedTraceparentStartsANewTrace() {
        Callback callback = harness.send(
                header("traceparent", "00-12345678901234567890123456789011-" + PARENT_ID + "-01"),
                header("traceparent", TRACEPARENT));
        assertThat(callback.traceparent().traceId()).isNotEqualTo("12345678901234567890123456789011")
            .isNotEqualTo(TRACE_ID);
    }

    /** {@code test_traceparent_header_name}. */
    @Test
    void traceparentUnderAnotherNameIsIgnored() {
        assertNewTrace(harness.send(header("trace-parent", TRACEPARENT)));
        assertNewTrace(harness.send(header("trace.parent", TRACEPARENT)));
    }

    /** {@code test_traceparent_header_name_valid_casing}. */
    @Test
    void traceparentNameIsCaseInsensitive() {
        for (String name : List.of("TraceParent", "TrAcEpArEnT", "TRACEPARENT")) {
            assertThat(harness.send(header(name, TRACEPARENT)).traceparent().traceId()).as(name).isEqualTo(TRACE_ID);
        }
    }

    /** {@code test_traceparent_version_0x00}. */
    @Test
    void version00WithExtraCharactersStartsANewTrace() {
        assertNewTrace(harness.send(header("traceparent", TRACEPARENT + ".")));
        assertNewTrace(harness.send(header("traceparent", TRACEPARENT + "-what-the-future-will-be-like")));
    }

    /** {@code test_traceparent_version_0xcc}. */
    @Test
    void higherVersionIsParsedAsVersion00() {
        String traceparent = "cc-" + TRACE_ID + "-" + PARENT_ID + "-01";
        assertThat(harness.send(header("traceparent", traceparent)).traceparent().traceId()).isEqualTo(TRACE_ID);
        assertThat(harness.send(header("traceparent", traceparent + "-what-the-future-will-be-like"))
            .traceparent()
            .traceId()).isEqualTo(TRACE_ID);
        assertNewTrace(harness.send(header("traceparent", traceparent + ".what-the-future-will-be-like")));
    }

    /** {@code test_traceparent_version_0xff}. */
    @Test
    void versionFfStartsANewTrace() {
        assertNewTrace(harness.send(header("traceparent", "ff-" + TRACE_ID + "-" + PARENT_ID + "-01")));
    }

    /**
     * {@code test_traceparent_version_illegal_characters},
     * {@code test_traceparent_version_too_long},
     * {@code test_traceparent_version_too_short}.
     */
    @Test
    void malformedVersionStartsANewTrace() {
        for (String version : List.of(".0", "0.", "000", "0000", "0")) {
            assertNewTrace(harness.send(header("traceparent", version + "-" + TRACE_ID + "-" + PARENT_ID + "-01")));
        }
    }

    /** {@code test_traceparent_trace_id_all_zero}. */
    @Test
    void allZeroTraceIdStartsANewTrace() {
        assertNewTrace(harness.send(header("traceparent", "00-" + "0".repeat(32) + "-" + PARENT_ID + "-01")));
    }

    /**
     * {@code test_traceparent_trace_id_illegal_characters},
     * {@code test_traceparent_trace_id_too_long},
     * {@code test_traceparent_trace_id_too_short}.
     */
    @Test
    void malformedTraceIdStartsANewTrace() {
        for (String traceId : List.of(".2345678901234567890123456789012", "1234567890123456789012345678901.",
                "123456789012345678901234567890123", "1234567890123456789012345678901")) {
            Callback callback = harness.send(header("traceparent", "00-" + traceId + "-" + PARENT_ID + "-01"));
            assertNewTrace(callback);
            assertThat(callback.traceparent().traceId()).isNotEqualTo(traceId)
                .isNotEqualTo("23456789012345678901234567890123");
        }
    }

    /**
     * {@code test_traceparent_parent_id_all_zero},
     * {@code test_traceparent_parent_id_illegal_characters},
     * {@code test_traceparent_parent_id_too_long},
     * {@code test_traceparent_parent_id_too_short}.
     */
    @Test
    void malformedParentIdStartsANewTrace() {
        for (String parentId : List.of("0000000000000000", ".234567890123456", "123456789012345.", "12345678901234567",
                "123456789012345")) {
            assertNewTrace(harness.send(header("traceparent", "00-" + TRACE_ID + "-" + parentId + "-01")));
        }
    }

    /**
     * {@code test_traceparent_trace_flags_illegal_characters},
     * {@code test_traceparent_trace_flags_too_long},
     * {@code test_traceparent_trace_flags_too_short}.
     */
    @Test
    void malformedTraceFlagsStartANewTrace() {
        for (String flags : List.of(".0", "0.", "001", "1")) {
            assertNewTrace(harness.send(header("traceparent", "00-" + TRACE_ID + "-" + PARENT_ID + "-" + flags)));
        }
    }

    /** {@code test_traceparent_ows_handling}. */
    @Test
    void whitespaceAroundTheTraceparentIsIgnored() {
        for (String traceparent : List.of(" " + TRACEPARENT, "\t" + TRACEPARENT, TRACEPARENT + " ", TRACEPARENT + "\t",
                "\t " + TRACEPARENT + " \t")) {
            assertThat(harness.send(header("traceparent", traceparent)).traceparent().traceId()).as("'%s'", traceparent)
                .isEqualTo(TRACE_ID);
        }
    }

    /** {@code test_tracestate_included_traceparent_missing}. */
    @Test
    void tracestateWithoutTraceparentIsDiscarded() {
        Callback one = harness.send(header("tracestate", "foo=1"));
        Callback two = harness.send(header("tracestate", "foo=1,bar=2"));
        assertThat(one.tracestate()).hasSameSizeAs(two.tracestate()).isEmpty();
    }

    /** {@code test_tracestate_included_traceparent_included}. */
    @Test
    void tracestateWithTraceparentIsInherited() {
        Callback callback = harness.send(header("traceparent", UNSAMPLED), header("tracestate", "foo=1,bar=2"));
        assertThat(callback.traceparent().traceId()).isEqualTo(TRACE_ID);
        assertThat(callback.tracestate()).containsEntry("foo", "1").containsEntry("bar", "2");
    }

    /** {@code test_tracestate_header_name}. */
    @Test
    void tracestateUnderAnotherNameIsIgnored() {
        assertThat(harness.send(header("traceparent", UNSAMPLED), header("trace-state", "foo=1")).tracestate())
            .doesNotContainKey("foo");
        assertThat(harness.send(header("traceparent", UNSAMPLED), header("trace.state", "foo=1")).tracestate())
            .doesNotContainKey("foo");
    }

    /** {@code test_tracestate_header_name_valid_casing}. */
    @Test
    void tracestateNameIsCaseInsensitive() {
        for (String name : List.of("TraceState", "TrAcEsTaTe", "TRACESTATE")) {
            assertThat(harness.send(header("traceparent", UNSAMPLED), header(name, "foo=1")).tracestate()).as(name)
                .containsEntry("foo", "1");
        }
    }

    /** {@code test_tracestate_empty_header}. */
    @Test
    void emptyTracestateIsDiscardedAndAnEmptyLineIsSkipped() {
        Callback empty = harness.send(header("traceparent", UNSAMPLED), header("tracestate", ""));
        assertThat(empty.traceparent().traceId()).isEqualTo(TRACE_ID);
        assertThat(empty.tracestateLines()).isEmpty();
        Callback emptyLast = harness.send(header("traceparent", UNSAMPLED), header("tracestate", "foo=1"),
                header("tracestate", ""));
        assertThat(emptyLast.traceparent().traceId()).isEqualTo(TRACE_ID);
        assertThat(emptyLast.tracestate()).containsEntry("foo", "1");
        Callback emptyFirst = harness.send(header("traceparent", UNSAMPLED), header("tracestate", ""),
                header("tracestate", "foo=1"));
        assertThat(emptyFirst.traceparent().traceId()).isEqualTo(TRACE_ID);
        assertThat(emptyFirst.tracestate()).containsEntry("foo", "1");
    }

    /** {@code test_tracestate_multiple_headers_different_keys}. */
    @Test
    void tracestateLinesAreCombinedInOrder() {
        Callback callback = harness.send(header("traceparent", UNSAMPLED), header("tracestate", "foo=1,bar=2"),
                header("tracestate", "rojo=1,congo=2"), header("tracestate", "baz=3"));
        assertThat(callback.traceparent().traceId()).isEqualTo(TRACE_ID);
        assertThat(callback.tracestateString()).isEqualTo("foo=1,bar=2,rojo=1,congo=2,baz=3");
    }

    /** {@code test_tracestate_duplicated_keys}. */
    @Test
    void tracestateWithDuplicatedKeysIsInherited() {
        Callback same = harness.send(header("traceparent", UNSAMPLED), header("tracestate", "foo=1,foo=1"));
        assertThat(same.traceparent().traceId()).isEqualTo(TRACE_ID);
        assertThat(same.tracestateString()).contains("foo=1");
        Callback different = harness.send(header("traceparent", UNSAMPLED), header("tracestate", "foo=1,foo=2"));
        assertThat(different.traceparent().traceId()).isEqualTo(TRACE_ID);
        assertThat(different.tracestateString()).containsAnyOf("foo=1", "foo=2");
        Callback sameAcrossLines = harness.send(header("traceparent", UNSAMPLED), header("tracestate", "foo=1"),
                header("tracestate", "foo=1"));
        assertThat(sameAcrossLines.traceparent().traceId()).isEqualTo(TRACE_ID);
        assertThat(sameAcrossLines.tracestateString()).contains("foo=1");
        Callback differentAcrossLines = harness.send(header("traceparent", UNSAMPLED), header("tracestate", "foo=1"),
                header("tracestate", "foo=2"));
        assertThat(differentAcrossLines.traceparent().traceId()).isEqualTo(TRACE_ID);
        assertThat(differentAcrossLines.tracestateString()).containsAnyOf("foo=1", "foo=2");
    }

    /**
     * Beyond the suite: the first of a duplicated key is kept, once, and the other
     * members are inherited in order.
     */
    @Test
    void ofDuplicatedKeysTheFirstIsSentOnceWithTheOtherMembers() {
        Callback inOneLine = harness.send(header("traceparent", UNSAMPLED), header("tracestate", "foo=1,bar=2,foo=3"));
        assertThat(inOneLine.tracestateLines()).containsExactly("foo=1,bar=2");
        Callback acrossLines = harness.send(header("traceparent", UNSAMPLED), header("tracestate", "rojo=1,foo=1"),
                header("tracestate", "foo=2,congo=2"), header("tracestate", "rojo=3"));
        assertThat(acrossLines.tracestateLines()).containsExactly("rojo=1,foo=1,congo=2");
    }

    /** {@code test_tracestate_all_allowed_characters}. */
    @Test
    void tracestateWithEveryAllowedCharacterIsInherited() {
        String keyWithoutVendor = IntStream.rangeClosed('a', 'z')
            .mapToObj(Character::toString)
            .collect(Collectors.joining()) + "0123456789_-*/";
        String keyWithVendor = keyWithoutVendor + "@a-z0-9_-*/";
        String value = IntStream.rangeClosed(0x20, 0x7e)
            .filter((c) -> c != ',' && c != '=')
            .mapToObj(Character::toString)
            .collect(Collectors.joining());
        for (String key : List.of(keyWithoutVendor, keyWithVendor)) {
            Callback callback = harness.send(header("traceparent", UNSAMPLED), header("tracestate", key + "=" + value));
            assertThat(callback.tracestate()).containsEntry(key, value);
        }
    }

    /** {@code test_tracestate_ows_handling}. */
    @Test
    void whitespaceAroundTracestateMembersIsIgnored() {
        for (String tracestate : List.of("foo=1 \t , \t bar=2, \t baz=3", "foo=1\t \t,\t \tbar=2,\t \tbaz=3")) {
            assertThat(harness.send(header("traceparent", UNSAMPLED), header("tracestate", tracestate)).tracestate())
                .as("'%s'", tracestate)
                .containsEntry("foo", "1")
                .containsEntry("bar", "2")
                .containsEntry("baz", "3");
        }
        for (String tracestate : List.of(" foo=1", "\tfoo=1", "foo=1 ", "foo=1\t", "\t foo=1 \t")) {
            Callback callback = harness.send(header("traceparent", UNSAMPLED), header("tracestate", tracestate));
            assertThat(callback.traceparent().traceId()).isEqualTo(TRACE_ID);
            assertThat(callback.tracestate()).as("'%s'", tracestate).containsEntry("foo", "1");
        }
    }

    /** {@code test_tracestate_key_illegal_characters}. */
    @Test
    void keyWithIllegalCharactersDiscardsTheTracestate() {
        assertThat(harness.send(header("traceparent", UNSAMPLED), header("tracestate", "foo =1")).tracestate())
            .doesNotContainKey("foo ")
            .isEmpty();
        assertThat(harness.send(header("traceparent", UNSAMPLED), header("tracestate", "FOO=1")).tracestate())
            .doesNotContainKey("FOO")
            .isEmpty();
        assertThat(harness.send(header("traceparent", UNSAMPLED), header("tracestate", "foo.bar=1")).tracestate())
            .doesNotContainKey("foo.bar")
            .isEmpty();
    }

    /** {@code test_tracestate_key_illegal_vendor_format}. */
    @Test
    void keysWithAtSignsFollowTheKeyGrammar() {
        for (String key : List.of("foo@", "foo@@bar", "foo@bar@baz")) {
            assertThat(
                    harness.send(header("traceparent", UNSAMPLED), header("tracestate", key + "=1,bar=2")).tracestate())
                .as(key)
                .containsEntry(key, "1")
                .containsEntry("bar", "2");
        }
        assertThat(harness.send(header("traceparent", UNSAMPLED), header("tracestate", "@foo=1,bar=2")).tracestate())
            .doesNotContainKey("bar");
    }

    /** {@code test_tracestate_member_count_limit}. */
    @Test
    void thirtyTwoMembersAreInheritedAndThirtyThreeDiscarded() {
        Callback callback = harness.send(header("traceparent", UNSAMPLED), header("tracestate", members(1, 10)),
                header("tracestate", members(11, 20)), header("tracestate", members(21, 30)),
                header("tracestate", members(31, 32)));
        assertThat(callback.tracestate()).containsEntry("bar01", "01").hasSize(32);
        Callback tooMany = harness.send(header("traceparent", UNSAMPLED), header("tracestate", members(1, 10)),
                header("tracestate", members(11, 20)), header("tracestate", members(21, 30)),
                header("tracestate", members(31, 33)));
        assertThat(tooMany.tracestate()).doesNotContainKey("bar01");
    }

    /** {@code test_tracestate_key_length_limit}. */
    @Test
    void keysOfUpTo256CharactersAreInherited() {
        for (String key : List.of("z".repeat(256), "t".repeat(241) + "@" + "v".repeat(14), "t".repeat(242) + "@v",
                "t@" + "v".repeat(15))) {
            Callback callback = harness.send(header("traceparent", UNSAMPLED), header("tracestate", "foo=1"),
                    header("tracestate", key + "=1"));
            assertThat(callback.tracestate()).as(key).containsEntry("foo", "1").containsEntry(key, "1");
        }
        Callback tooLong = harness.send(header("traceparent", UNSAMPLED), header("tracestate", "foo=1"),
                header("tracestate", "z".repeat(257) + "=1"));
        assertThat(tooLong.tracestate()).doesNotContainKey("foo");
    }

    /** {@code test_tracestate_value_illegal_characters}. */
    @Test
    void valueWithIllegalCharactersDiscardsTheTracestate() {
        assertThat(harness.send(header("traceparent", UNSAMPLED), header("tracestate", "foo=bar=baz")).tracestate())
            .doesNotContainKey("foo");
        assertThat(harness.send(header("traceparent", UNSAMPLED), header("tracestate", "foo=,bar=3")).tracestate())
            .doesNotContainKeys("foo", "bar");
    }

    /** {@code AdvancedTest.test_multiple_requests_with_valid_traceparent}. */
    @Test
    void everyOutgoingCallContinuesTheTraceWithItsOwnParentId() {
        List<Callback> callbacks = harness.send(3, header("traceparent", TRACEPARENT));
        assertThat(callbacks).extracting((callback) -> callback.traceparent().traceId()).containsOnly(TRACE_ID);
        assertThat(parentIds(callbacks)).hasSize(3);
    }

    /** {@code AdvancedTest.test_multiple_requests_without_traceparent}. */
    @Test
    void everyOutgoingCallOfANewTraceHasItsOwnParentId() {
        assertThat(parentIds(harness.send(3))).hasSize(3);
    }

    /** {@code AdvancedTest.test_multiple_requests_with_illegal_traceparent}. */
    @Test
    void everyOutgoingCallOfAnIllegalTraceparentIsInANewTrace() {
        List<Callback> callbacks = harness.send(3,
                header("traceparent", "00-" + "0".repeat(32) + "-" + PARENT_ID + "-01"));
        assertThat(callbacks).extracting((callback) -> callback.traceparent().traceId()).doesNotContain("0".repeat(32));
        assertThat(parentIds(callbacks)).hasSize(3);
    }

    /** {@code TraceContext2Test.test_propagates_random_flag}. */
    @Test
    void randomFlagIsPropagated() {
        Callback callback = harness.send(header("traceparent", "00-" + TRACE_ID + "-" + PARENT_ID + "-02"));
        assertThat(callback.traceparent().traceId()).isEqualTo(TRACE_ID);
        assertThat(callback.traceparent().parentId()).isNotEqualTo(PARENT_ID);
        assertThat(callback.traceparent().traceFlags() & 0x02).as("random flag").isEqualTo(0x02);
    }

    private static void assertNewTrace(Callback callback) {
        assertThat(callback.traceparent().traceId()).isNotEqualTo(TRACE_ID);
    }

    private static Set<String> parentIds(List<Callback> callbacks) {
        Set<String> parentIds = new HashSet<>();
        callbacks.forEach((callback) -> parentIds.add(callback.traceparent().parentId()));
        return parentIds;
    }

    private static String members(int first, int last) {
        return IntStream.rangeClosed(first, last)
            .mapToObj((i) -> "bar%02d=%02d".formatted(i, i))
            .collect(Collectors.joining(","));
    }

}
