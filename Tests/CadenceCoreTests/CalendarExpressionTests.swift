import Foundation
import Testing

@testable import CadenceCore

private func instant(_ iso: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = formatter.date(from: iso) { return date }
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: iso)!
}

private func zone(_ name: String) -> TimeZone { TimeZone(identifier: name)! }

private func elapses(_ text: String, after: String, zone name: String, count: Int) throws -> [Date] {
    let expression = try CalendarExpression(text)
    var out: [Date] = []
    var base = instant(after)
    while out.count < count, let next = expression.nextElapse(after: base, localZone: zone(name)) {
        out.append(next)
        base = next
    }
    return out
}

@Suite("Calendar expressions")
struct CalendarExpressionTests {
    @Test(
        "Shorthands and lists print systemd's normalized form",
        arguments: [
            ("minutely", "*-*-* *:*:00"),
            ("hourly", "*-*-* *:00:00"),
            ("daily", "*-*-* 00:00:00"),
            ("weekly", "Mon *-*-* 00:00:00"),
            ("monthly", "*-*-01 00:00:00"),
            ("quarterly", "*-01,04,07,10-01 00:00:00"),
            ("Semi-Annually", "*-01,07-01 00:00:00"),
            ("yearly", "*-01-01 00:00:00"),
            ("mon,wed..fri 12:00", "Mon,Wed..Fri *-*-* 12:00:00"),
            ("Sat,Sun,Mon..Sun", "*-*-* 00:00:00"),
            ("*-*-1,15,1 9:5", "*-*-01,15 09:05:00"),
            ("26-1-5", "2026-01-05 00:00:00"),
            ("*-*~1 17:00", "*-*~01 17:00:00"),
            ("*:0/15", "*-*-* *:00/15:00"),
            ("*:*:1.5", "*-*-* *:*:01.500000"),
            ("*-*-* 10:00 utc", "*-*-* 10:00:00 UTC"),
            ("Mon 09:00 Asia/Shanghai", "Mon *-*-* 09:00:00 Asia/Shanghai"),
            ("2026-01-01..31/7", "2026-01-01..29/7 00:00:00"),
            ("@1767225600", "2026-01-01 00:00:00 UTC"),
        ])
    func normalizedForm(text: String, normalized: String) throws {
        #expect(try CalendarExpression(text).normalized == normalized)
    }

    @Test(
        "Elapses land on the expected instants",
        arguments: [
            // A monthly reminder at 09:00 in Shanghai is 01:00 UTC.
            (
                "*-*-01 09:00", "2026-11-23T00:00:00Z", "Asia/Shanghai",
                ["2026-12-01T01:00:00Z", "2027-01-01T01:00:00Z", "2027-02-01T01:00:00Z"]
            ),
            // The last day of each month, including February of a leap year.
            (
                "*-*~01 17:00", "2028-01-15T00:00:00Z", "UTC",
                ["2028-01-31T17:00:00Z", "2028-02-29T17:00:00Z", "2028-03-31T17:00:00Z"]
            ),
            // Last Monday of May.
            (
                "Mon *-05~07/1 10:00", "2026-01-01T00:00:00Z", "UTC",
                ["2026-05-25T10:00:00Z", "2027-05-31T10:00:00Z", "2028-05-29T10:00:00Z"]
            ),
            // systemd 252 answers 2026-01-12 here (#40260); the 1st of January matches.
            (
                "*-*-1/11 23:00:00", "2025-12-24T00:00:00Z", "UTC",
                ["2026-01-01T23:00:00Z", "2026-01-12T23:00:00Z", "2026-01-23T23:00:00Z"]
            ),
            // Fractional seconds keep their microseconds.
            (
                "*:*:0/7.5", "2026-01-01T00:00:00Z", "UTC",
                ["2026-01-01T00:00:07.500Z", "2026-01-01T00:00:15Z", "2026-01-01T00:00:22.500Z"]
            ),
            // A zone in the expression wins over the local one.
            (
                "*-*-* 09:00 Asia/Shanghai", "2026-06-01T00:00:00Z", "America/New_York",
                ["2026-06-01T01:00:00Z", "2026-06-02T01:00:00Z"]
            ),
        ])
    func elapsesMatch(text: String, after: String, zone: String, expected: [String]) throws {
        #expect(try elapses(text, after: after, zone: zone, count: expected.count) == expected.map(instant))
    }

    @Test("A wall time skipped by daylight saving time is skipped, as in systemd")
    func skippedWallTime() throws {
        // 2026-03-08 02:30 does not exist in New York: the next elapse is a day later.
        let got = try elapses("*-*-* 02:30", after: "2026-03-07T12:00:00Z", zone: "America/New_York", count: 2)
        #expect(got == [instant("2026-03-09T06:30:00Z"), instant("2026-03-10T06:30:00Z")])
        // Lord Howe moves 30 minutes: 02:10 is skipped, 02:40 exists.
        let howe = try elapses("*-*-* 02:10,40", after: "2026-10-03T14:00:00Z", zone: "Australia/Lord_Howe", count: 2)
        #expect(howe == [instant("2026-10-03T15:40:00Z"), instant("2026-10-04T15:10:00Z")])
    }

    @Test("A wall time that occurs twice elapses once")
    func repeatedWallTime() throws {
        // 2026-11-01 01:00-02:00 happens twice in New York; every 20 minutes fires 01:00, 01:20, 01:40 once.
        let got = try elapses("*:0/20", after: "2026-11-01T04:50:00Z", zone: "America/New_York", count: 4)
        #expect(
            got
                == ["2026-11-01T05:00:00Z", "2026-11-01T05:20:00Z", "2026-11-01T05:40:00Z", "2026-11-01T07:00:00Z"]
                .map(instant))
        // From inside the second pass, the wall time still ahead elapses in that pass.
        let late = try elapses("*-*-* 01:30", after: "2026-11-01T06:10:00Z", zone: "America/New_York", count: 1)
        #expect(late == [instant("2026-11-01T06:30:00Z")])
    }

    @Test(
        "Expressions that can never elapse again answer nil",
        arguments: [
            "*-02-30", "Sat 2026-11-24", "2020-01-01", "2025-*-* *:*:*",
        ])
    func neverElapses(text: String) throws {
        #expect(
            try CalendarExpression(text).nextElapse(after: instant("2026-11-23T00:00:00Z"), localZone: zone("UTC"))
                == nil)
    }

    @Test("Elapses stop after the year 2199, as in systemd")
    func yearLimit() throws {
        let expression = try CalendarExpression("yearly")
        #expect(
            expression.nextElapse(after: instant("2198-06-01T00:00:00Z"), localZone: zone("UTC"))
                == instant("2199-01-01T00:00:00Z"))
        #expect(expression.nextElapse(after: instant("2199-01-01T00:00:00Z"), localZone: zone("UTC")) == nil)
    }

    // Bad input tried: every row below; each must be rejected with the reason and, where it
    // points somewhere, the position.
    @Test(
        "Bad expressions are rejected with the position and reason",
        arguments: [
            ("", nil as Int?, "empty"),
            ("Mon..", 6, "weekday that ends the range"),
            ("Fri..Mon", 6, "run forward"),
            ("Mondy 10:00", 1, "not a weekday"),
            ("*-13-01", nil, "month '13' is out of range"),
            ("*-*-* 25:00", nil, "hour '25' is out of range"),
            ("*:50/15", nil, "never repeats"),
            ("*-*-0", nil, "day '00' is out of range"),
            ("*-*~29", nil, "out of range"),
            ("1969-01-01", nil, "year '1969' is out of range"),
            ("*-*-1/0", 7, "zero"),
            // A zone the database lacks is named as such (not "expected ':'" where it begins).
            ("10:00 Foo/Bar", 7, "the time zone 'Foo/Bar' at position 7 is unknown"),
            ("10:00:00x", 9, "'..', '/' or the next field"),
            ("*-*-* 10", 9, "':' between hour and minute"),
            ("2026~01-01", 8, "'~' must separate month and day"),
            ("*:*:1..1.5", 5, "shorter than one second"),
            ("*-*-* *:*:*.5", 12, "the end"),
            ("99999999999-01-01", 1, "too large"),
            ("@99999999999", 1, "UNIX timestamp"),
            (" daily", 1, "a number"),
            ("daily UTC x", 1, "a number"),
        ])
    func rejected(text: String, position: Int?, reason: String) {
        do {
            _ = try CalendarExpression(text)
            Issue.record("'\(text)' was accepted")
        } catch let error as CalendarExpressionError {
            #expect(error.position == position, "\(text): \(error)")
            #expect(error.description.contains(reason), "\(text): \(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("A day some months lack gets a warning suggesting '~'")
    func warnsAboutMissingDays() throws {
        #expect(try CalendarExpression("*-*-31 17:00").warnings.first?.contains("'~01'") == true)
        #expect(try CalendarExpression("*-02-29").warnings.count == 1)
        #expect(try CalendarExpression("*-01,03-31").warnings.isEmpty)
        #expect(try CalendarExpression("*-*~01").warnings.isEmpty)
        #expect(try CalendarExpression("monthly").warnings.isEmpty)
    }
}

@Suite("Local dates")
struct LocalDateTests {
    @Test(
        "Day numbers round-trip across centuries and leap days",
        arguments: [
            "1970-01-01", "2000-02-29", "2026-11-23", "2100-03-01", "2199-12-31", "1900-02-28",
        ])
    func roundTrip(text: String) throws {
        let date = try #require(LocalDate(text))
        #expect(LocalDate(dayNumber: date.dayNumber) == date)
        #expect(date.description == text)
    }

    @Test("Weekdays are ISO numbered")
    func weekdays() throws {
        #expect(LocalDate("2026-11-23")?.isoWeekday == 1)  // a Monday
        #expect(LocalDate("2026-11-29")?.isWeekend == true)
    }

    // Bad input tried: impossible days, wrong widths, signs, letters.
    @Test(
        "Impossible or malformed dates are refused",
        arguments: [
            "2026-02-29", "2026-13-01", "2026-1-01", "26-01-01", "2026-01-00", "+026-01-01", "2026-0a-01", "",
        ])
    func refused(text: String) {
        #expect(LocalDate(text) == nil)
    }
}
