// systemd's own published calendar cases, from `src/test/test-calendarspec.c` at tag v252.31 (systemd-stable),
// transcribed as tables and checked against CalendarExpression directly; the last test also asks the installed
// systemd-analyze (when present) whether it agrees with us and with the tables.
//
// Transcribed: every `test_one(input, normalized)` (68), every `test_next(input, tz, after, expected)` (31, all
// accepted by systemd 252) and every input `TEST(calendar_spec_from_string)` expects to be rejected (28).
// Left out: TEST(timestamp) and TEST(hourly_bug_4031), which read the real clock (their properties — a formatted
// timestamp is a valid expression; consecutive `hourly` elapses are at most an hour apart — are covered by the
// oracle suite). In v252.31 no `test_one` case depends on the local zone's tzname (the "… EET"-suffixed cases
// appeared in later systemd releases), so none was left out for that reason; CalendarExpression(_:) takes no
// zone, so an expression ending in the local zone's abbreviation (systemd's `dst` field) cannot be expressed.
// Zones in `test_next`: `""` is TZ set but empty and nil is TZ unset (the test's intro unsets it); both mean UTC
// for us (no case depends on the machine's zone: those all name UTC or a zone). "IST" names no zone file; glibc
// then falls back to UTC, and the expression names Europe/Dublin anyway, so we pass UTC.

import CadenceConfiguration
import Foundation
import Testing

@testable import CadenceCore

/// One `test_next` line: the expected elapse strictly after `after`, in microseconds; nil when it never elapses.
struct PublishedNext: Sendable, CustomTestStringConvertible {
    var input: String
    var tz: String?
    var after: Int64
    var expected: Int64?

    init(_ input: String, tz: String?, after: Int64, expected: Int64?) {
        self.input = input
        self.tz = tz
        self.after = after
        self.expected = expected
    }

    /// The zone CalendarExpression gets for systemd's TZ value.
    var localZone: TimeZone {
        guard let tz, !tz.isEmpty, tz != "IST" else { return TimeZone(identifier: "UTC")! }
        return TimeZone(identifier: tz)!
    }

    /// The TZ value handed to systemd-analyze.
    var oracleZone: String { tz.flatMap { $0.isEmpty ? nil : $0 } ?? "UTC" }

    var testDescription: String { "'\(input)' TZ=\(tz ?? "(unset)") after \(after) µs" }
}

@Suite("systemd's published calendar cases (test-calendarspec.c, v252.31)")
struct CalendarSpecPublishedTests {
    /// `test_one(input, normalized)`.
    static let normalizations: [(String, String)] = [
        ("Sat,Thu,Mon-Wed,Sat-Sun", "Mon..Thu,Sat,Sun *-*-* 00:00:00"),
        ("Sat,Thu,Mon..Wed,Sat..Sun", "Mon..Thu,Sat,Sun *-*-* 00:00:00"),
        ("Mon,Sun 12-*-* 2,1:23", "Mon,Sun 2012-*-* 01,02:23:00"),
        ("Wed *-1", "Wed *-*-01 00:00:00"),
        ("Wed-Wed,Wed *-1", "Wed *-*-01 00:00:00"),
        ("Wed..Wed,Wed *-1", "Wed *-*-01 00:00:00"),
        ("Wed, 17:48", "Wed *-*-* 17:48:00"),
        ("Wednesday,", "Wed *-*-* 00:00:00"),
        ("Wed-Sat,Tue 12-10-15 1:2:3", "Tue..Sat 2012-10-15 01:02:03"),
        ("Wed..Sat,Tue 12-10-15 1:2:3", "Tue..Sat 2012-10-15 01:02:03"),
        ("*-*-7 0:0:0", "*-*-07 00:00:00"),
        ("10-15", "*-10-15 00:00:00"),
        ("monday *-12-* 17:00", "Mon *-12-* 17:00:00"),
        ("Mon,Fri *-*-3,1,2 *:30:45", "Mon,Fri *-*-01,02,03 *:30:45"),
        ("12,14,13,12:20,10,30", "*-*-* 12,13,14:10,20,30:00"),
        ("mon,fri *-1/2-1,3 *:30:45", "Mon,Fri *-01/2-01,03 *:30:45"),
        ("03-05 08:05:40", "*-03-05 08:05:40"),
        ("08:05:40", "*-*-* 08:05:40"),
        ("05:40", "*-*-* 05:40:00"),
        ("Sat,Sun 12-05 08:05:40", "Sat,Sun *-12-05 08:05:40"),
        ("Sat,Sun 08:05:40", "Sat,Sun *-*-* 08:05:40"),
        ("2003-03-05 05:40", "2003-03-05 05:40:00"),
        ("2003-03-05", "2003-03-05 00:00:00"),
        ("03-05", "*-03-05 00:00:00"),
        ("hourly", "*-*-* *:00:00"),
        ("daily", "*-*-* 00:00:00"),
        ("monthly", "*-*-01 00:00:00"),
        ("weekly", "Mon *-*-* 00:00:00"),
        ("minutely", "*-*-* *:*:00"),
        ("quarterly", "*-01,04,07,10-01 00:00:00"),
        ("semi-annually", "*-01,07-01 00:00:00"),
        ("annually", "*-01-01 00:00:00"),
        ("*:2/3", "*-*-* *:02/3:00"),
        ("2015-10-25 01:00:00 uTc", "2015-10-25 01:00:00 UTC"),
        ("2015-10-25 01:00:00 Asia/Vladivostok", "2015-10-25 01:00:00 Asia/Vladivostok"),
        ("weekly Pacific/Auckland", "Mon *-*-* 00:00:00 Pacific/Auckland"),
        ("2016-03-27 03:17:00.4200005", "2016-03-27 03:17:00.420001"),
        ("2016-03-27 03:17:00/0.42", "2016-03-27 03:17:00/0.420000"),
        ("9..11,13:00,30", "*-*-* 09..11,13:00,30:00"),
        ("1..3-1..3 1..3:1..3", "*-01..03-01..03 01..03:01..03:00"),
        ("00:00:1.125..2.125", "*-*-* 00:00:01.125000..02.125000"),
        ("00:00:1.0..3.8", "*-*-* 00:00:01..03"),
        ("00:00:01..03", "*-*-* 00:00:01..03"),
        ("00:00:01/2,02..03", "*-*-* 00:00:01/2,02..03"),
        ("*:4,30:0..3", "*-*-* *:04,30:00..03"),
        ("*:4,30:0/1", "*-*-* *:04,30:*"),
        ("*:4,30:0/1,3,5", "*-*-* *:04,30:*"),
        ("*-*~1 Utc", "*-*~01 00:00:00 UTC"),
        ("*-*~05,3 ", "*-*~03,05 00:00:00"),
        ("*-*~* 00:00:00", "*-*-* 00:00:00"),
        ("Monday", "Mon *-*-* 00:00:00"),
        ("Monday *-*-*", "Mon *-*-* 00:00:00"),
        ("*-*-*", "*-*-* 00:00:00"),
        ("*:*:*", "*-*-* *:*:*"),
        ("*:*", "*-*-* *:*:00"),
        ("12:*", "*-*-* 12:*:00"),
        ("*:30", "*-*-* *:30:00"),
        ("93..00-*-*", "1993..2000-*-* 00:00:00"),
        ("00..07-*-*", "2000..2007-*-* 00:00:00"),
        ("*:20..39/5", "*-*-* *:20..35/5:00"),
        ("00:00:20..40/1", "*-*-* 00:00:20..40"),
        ("*~03/1,03..05", "*-*~03/1,03..05 00:00:00"),
        ("@1493187147", "2017-04-26 06:12:27 UTC"),
        ("@1493187147 UTC", "2017-04-26 06:12:27 UTC"),
        ("@0", "1970-01-01 00:00:00 UTC"),
        ("@0 UTC", "1970-01-01 00:00:00 UTC"),
        ("*:05..05", "*-*-* *:05:00"),
        ("*:05..10/6", "*-*-* *:05:00"),
    ]

    /// `test_next(input, tz, after, expected)`; expected -1 (never) is nil.
    static let nextElapses: [PublishedNext] = [
        PublishedNext("2016-03-27 03:17:00", tz: "", after: 12_345, expected: 1_459_048_620_000_000),
        PublishedNext("2016-03-27 03:17:00", tz: "CET", after: 12_345, expected: 1_459_041_420_000_000),
        PublishedNext("2016-03-27 03:17:00", tz: "EET", after: 12_345, expected: nil),
        PublishedNext("2016-03-27 03:17:00 UTC", tz: nil, after: 12_345, expected: 1_459_048_620_000_000),
        PublishedNext("2016-03-27 03:17:00 UTC", tz: "", after: 12_345, expected: 1_459_048_620_000_000),
        PublishedNext("2016-03-27 03:17:00 UTC", tz: "CET", after: 12_345, expected: 1_459_048_620_000_000),
        PublishedNext("2016-03-27 03:17:00 UTC", tz: "EET", after: 12_345, expected: 1_459_048_620_000_000),
        PublishedNext("2016-03-27 03:17:00.420000001 UTC", tz: "EET", after: 12_345, expected: 1_459_048_620_420_000),
        PublishedNext("2016-03-27 03:17:00.4200005 UTC", tz: "EET", after: 12_345, expected: 1_459_048_620_420_001),
        PublishedNext("2015-11-13 09:11:23.42", tz: "EET", after: 12_345, expected: 1_447_398_683_420_000),
        PublishedNext(
            "2015-11-13 09:11:23.42/1.77", tz: "EET", after: 1_447_398_683_420_000, expected: 1_447_398_685_190_000),
        PublishedNext(
            "2015-11-13 09:11:23.42/1.77", tz: "EET", after: 1_447_398_683_419_999, expected: 1_447_398_683_420_000),
        PublishedNext("Sun 16:00:00", tz: "CET", after: 1_456_041_600_123_456, expected: 1_456_066_800_000_000),
        PublishedNext("*-04-31", tz: "", after: 12_345, expected: nil),
        PublishedNext("2016-02~01 UTC", tz: "", after: 12_345, expected: 1_456_704_000_000_000),
        PublishedNext("Mon 2017-05~01..07 UTC", tz: "", after: 12_345, expected: 1_496_016_000_000_000),
        PublishedNext("Mon 2017-05~07/1 UTC", tz: "", after: 12_345, expected: 1_496_016_000_000_000),
        PublishedNext("*-*-01/5 04:00:00 UTC", tz: "", after: 1_646_010_000_000_000, expected: 1_646_107_200_000_000),
        PublishedNext("*-01/7-01 04:00:00 UTC", tz: "", after: 1_664_607_600_000_000, expected: 1_672_545_600_000_000),
        PublishedNext(
            "2017-08-06 9,11,13,15,17:00 UTC", tz: "", after: 1_502_029_800_000_000, expected: 1_502_031_600_000_000),
        PublishedNext(
            "2017-08-06 9..17/2:00 UTC", tz: "", after: 1_502_029_800_000_000, expected: 1_502_031_600_000_000),
        PublishedNext(
            "2016-12-* 3..21/6:00 UTC", tz: "", after: 1_482_613_200_000_001, expected: 1_482_634_800_000_000),
        PublishedNext("2017-09-24 03:30:00 Pacific/Auckland", tz: "", after: 12_345, expected: 1_506_177_000_000_000),
        PublishedNext("2017-09-24 02:30:00 Pacific/Auckland", tz: "", after: 12_345, expected: nil),
        PublishedNext("2017-04-02 02:30:00 Pacific/Auckland", tz: "", after: 12_345, expected: 1_491_053_400_000_000),
        PublishedNext("2017-04-02 02:30:00 Pacific/Auckland", tz: "", after: 1_491_053_400_000_000, expected: nil),
        PublishedNext("2017-04-02 03:30:00 Pacific/Auckland", tz: "", after: 12_345, expected: 1_491_060_600_000_000),
        PublishedNext("2017-09-09 20:42:00 Pacific/Auckland", tz: "", after: 12_345, expected: 1_504_946_520_000_000),
        PublishedNext(
            "2017-09-09 20:42:00 Pacific/Auckland", tz: "EET", after: 12_345, expected: 1_504_946_520_000_000),
        PublishedNext(
            "Sun *-*-* 01:00:00 Europe/Dublin", tz: "", after: 1_616_412_478_000_000, expected: 1_617_494_400_000_000),
        PublishedNext(
            "Sun *-*-* 01:00:00 Europe/Dublin", tz: "IST", after: 1_616_412_478_000_000,
            expected: 1_617_494_400_000_000),
    ]

    /// Inputs `TEST(calendar_spec_from_string)` expects to fail, with the error systemd returns.
    static let rejections: [String] = [
        "test",  // -EINVAL
        " utc",  // -EINVAL
        "    ",  // -EINVAL
        "",  // -EINVAL
        "7",  // -EINVAL
        "121212:1:2",  // -EINVAL
        "2000-03-05.23 00:00:00",  // -EINVAL
        "2000-03-05 00:00.1:00",  // -EINVAL
        "00:00:00/0.00000001",  // -ERANGE
        "00:00:00.0..00.9",  // -EINVAL
        "2016~11-22",  // -EINVAL
        "*-*~5/5",  // -EINVAL
        "Monday.. 12:00",  // -EINVAL
        "Monday..",  // -EINVAL
        "-00:+00/-5",  // -EINVAL
        "00:+00/-5",  // -EINVAL
        "2016- 11- 24 12: 30: 00",  // -EINVAL
        "*~29",  // -EINVAL
        "*~16..31",  // -EINVAL
        "12..1/2-*",  // -EINVAL
        "20/4:00",  // -EINVAL
        "00:00/60",  // -EINVAL
        "00:00:2300",  // -ERANGE
        "00:00:18446744073709551615",  // -ERANGE
        "@88588582097858858",  // -ERANGE
        "*:4,30:*,5",  // -EINVAL
        "*:4,30:5,*",  // -EINVAL
        "*:4,30:*\n",  // -EINVAL
    ]

    @Test(
        "An accepted expression normalizes as systemd's test_one says, and its normal form is a fixed point",
        arguments: normalizations)
    func normalizesLikeSystemd(input: String, normalized: String) throws {
        let expression = try CalendarExpression(input, zones: .system)
        #expect(expression.normalized == normalized, "input '\(input)'")
        let again = try CalendarExpression(expression.normalized, zones: .system)
        #expect(again.normalized == expression.normalized, "re-parsing '\(expression.normalized)'")
    }

    @Test("The next elapse is the one systemd's test_next expects, to the microsecond", arguments: nextElapses)
    func nextElapseLikeSystemd(_ published: PublishedNext) throws {
        let expression = try CalendarExpression(published.input, zones: .system)
        let next = expression.nextElapse(
            after: OracleTime.date(micros: published.after),
            localZone: published.localZone)
        let shown = next.map { OracleTime.format(micros: OracleTime.micros($0)) } ?? "never"
        #expect(
            next.map(OracleTime.micros) == published.expected,
            "'\(published.input)' after \(published.after): ours \(shown)")
    }

    @Test("An input systemd's test rejects is rejected", arguments: rejections)
    func rejectsLikeSystemd(input: String) {
        #expect(throws: CalendarExpressionError.self, "input '\(input)'") {
            try CalendarExpression(input, zones: .system)
        }
    }

    @Test(
        "systemd-analyze agrees with these tables and with our accept/reject and normalized forms",
        .enabled(if: SystemdAnalyze.isAvailable, "systemd-analyze (systemd 252) not found; the oracle is needed")
    )
    func oracleAgreesOnPublishedInputs() throws {
        let oracle = SystemdAnalyze(executable: SystemdAnalyze.executable!)
        var mismatches: [String] = []

        // Accept/reject and normalized form, all inputs in one batch (TZ=UTC, so no input ends in a tzname).
        let inputs = Self.normalizations.map(\.0) + Self.nextElapses.map(\.input) + Self.rejections
        let verdicts = try oracle.calendar(inputs, zone: "UTC", baseMicros: 0, iterations: 1)
        for (input, verdict) in zip(inputs, verdicts) {
            let ours = try? CalendarExpression(input, zones: .system)
            switch verdict {
            case .rejected where ours != nil:
                mismatches.append("'\(input)': systemd rejects, we accept as '\(ours!.normalized)'")
            case .accepted(let normalized, _) where ours?.normalized != normalized:
                let shown = ours.map { "'\($0.normalized)'" } ?? "rejected"
                mismatches.append("'\(input)': systemd '\(normalized)', ours \(shown)")
            case .failed(let message):
                mismatches.append("'\(input)': systemd-analyze failed: \(message)")
            default:
                break
            }
        }
        for ((input, normalized), verdict) in zip(Self.normalizations, verdicts) {
            if case .accepted(let oracleForm, _) = verdict, oracleForm == normalized { continue }
            mismatches.append("table test_one '\(input)' → '\(normalized)', systemd-analyze: \(verdict)")
        }
        let rejectionVerdicts = verdicts.suffix(Self.rejections.count)
        for (input, verdict) in zip(Self.rejections, rejectionVerdicts) where verdict != .rejected {
            mismatches.append("table rejection '\(input)', systemd-analyze: \(verdict)")
        }

        // test_next's expectations, at whole seconds, under the test's TZ.
        for published in Self.nextElapses {
            let verdict = try oracle.calendar(
                [published.input], zone: published.oracleZone,
                baseMicros: published.after, iterations: 1
            ).first
            let expected = published.expected.map { OracleTime.seconds(micros: $0) }
            guard case .accepted(_, let elapses) = verdict, elapses.first == expected else {
                let shown = verdict.map { "\($0)" } ?? "nothing"
                mismatches.append("table test_next \(published.testDescription), systemd-analyze: \(shown)")
                continue
            }
        }

        for mismatch in mismatches { print("published-case mismatch: " + mismatch) }
        #expect(mismatches.isEmpty, "\(mismatches.count) published inputs disagree (listed above)")
    }
}
