import CadenceCore
import Foundation
import Testing

private let shanghai = TimeZone(identifier: "Asia/Shanghai")!

// Parses `2026-02-13 09:00` as a Shanghai local time.
private func at(_ text: String) -> Date {
    let parts = text.split(separator: " ")
    let date = LocalDate(parts[0])!
    let time = parts[1].split(separator: ":").map { Int($0)! }
    let seconds = date.dayNumber * 86_400 + time[0] * 3600 + time[1] * 60 - 8 * 3600
    return Date(timeIntervalSince1970: TimeInterval(seconds))
}

private let reference = at("2026-01-01 00:00")

private func cadence(_ body: String, name: String = "test") throws(ConfigurationError) -> Cadence {
    try Cadence.parse(
        name: name, source: IniSource(fileName: "\(name).cadence", text: "[Cadence]\n" + body), reference: reference,
        zone: shanghai, zones: .foundation)
}

@Suite("Cadence occurrences")
struct CadenceTests {
    let workingDays: WorkingDayCalendar

    init() throws {
        workingDays = try WorkingDayCalendarTests.calendar()
    }

    @Test("A cadence file's keys are read, with defaults for the optional ones")
    func parsesKeys() throws {
        let monthly = try cadence(
            "OnCalendar=*-*-05 09:00\nKind=reminder\nPeriod=month\nWorkingDay=next\nDescription=Monthly")
        #expect(monthly.kind == .reminder)
        #expect(monthly.period == .month)
        #expect(monthly.workingDay == .next)
        #expect(monthly.description == "Monthly")
        let plain = try cadence("OnCalendar=*-*-05 09:00\nKind=reminder")
        #expect(plain.period == .occurrence)
        #expect(plain.workingDay == WorkingDayShift.none)
        #expect(plain.description == "test")
    }

    // Bad input tried: each duty kind with no Period= (each elapse its own period: never checked),
    // with an explicit Period=occurrence, and a quota check over a quarter.
    @Test(
        "A duty with no period to check it at is refused at its line",
        arguments: [
            ("Kind=review", 3, "Kind=review is a duty recorded per unit"),
            ("Kind=inspection\nPeriod=occurrence", 4, "Kind=inspection is a duty recorded per unit"),
            ("Kind=appraisal", 3, "give Period=month, quarter, half-year or year"),
            ("Kind=evaluation", 3, "Period=occurrence has no end to check it at"),
            ("Kind=quota-check\nPeriod=quarter", 4, "Kind=quota-check needs Period=month"),
            ("Kind=quota-check", 3, "Kind=quota-check needs Period=month"),
        ])
    func dutyNeedsPeriod(keys: String, line: Int, reason: String) throws {
        do {
            _ = try cadence("OnCalendar=*-*-05 09:00\n" + keys)
            Issue.record("accepted: \(keys)")
        } catch {
            #expect(error.description.hasPrefix("test.cadence:\(line): "), "\(error)")
            #expect(error.description.contains(reason), "\(error)")
        }
    }

    // Bad input tried: a zone misspelled after a valid expression; an unknown weekday is still
    // reported where it is.
    @Test("A misspelled time zone in OnCalendar= says the zone is unknown")
    func unknownZone() throws {
        do {
            _ = try cadence("OnCalendar=*-*-05 09:00 Asia/Shangai\nKind=reminder")
            Issue.record("accepted an unknown zone")
        } catch {
            #expect(
                error.description
                    == "test.cadence:2: OnCalendar= '*-*-05 09:00 Asia/Shangai' is not a calendar expression: "
                    + "the time zone 'Asia/Shangai' at position 14 is unknown (no such zone in the tz database)")
        }
        #expect(throws: ConfigurationError.self) { try cadence("OnCalendar=Mondy 09:00 Asia/Shanghai\nKind=reminder") }
        do {
            _ = try cadence("OnCalendar=Mondy 09:00 Asia/Shanghai\nKind=reminder")
        } catch {
            #expect(error.description.contains("'Mondy' at position 1: not a weekday"), "\(error)")
        }
    }

    // Bad input tried: a bad Kind= on line 2, a bad OnCalendar= on line 4, an unknown key on line 5
    // (found in the order 5, 4, 2: unknown keys first, then each key's own check).
    @Test("A file's errors are listed in line order")
    func errorsInLineOrder() throws {
        do {
            _ = try cadence("Kind=weekly\nDescription=x\nOnCalendar=*-13-01\nBogus=1")
            Issue.record("accepted")
        } catch {
            let lines = error.errors.compactMap(\.location?.line)
            #expect(lines == [2, 4, 5], "\(error)")
            #expect(error.errors.count == 3)
        }
    }

    @Test(
        "An occurrence on a non-working day moves to the next working day, keeping its time of day",
        arguments: [
            ("2026-02-13 10:00", "2026-02-24 09:00", "2026-02"),  // 15 Feb nominal, in the Spring Festival
            ("2026-01-31 10:00", "2026-02-24 09:00", "2026-02"),
            ("2026-02-24 09:00", "2026-03-16 09:00", "2026-03"),  // 15 Mar is a Sunday
        ])
    func movesToNextWorkingDay(after: String, effective: String, period: String) throws {
        let monthly = try cadence("OnCalendar=*-*-15 09:00\nKind=reminder\nPeriod=month\nWorkingDay=next")
        let occurrence = monthly.nextOccurrence(after: at(after), zone: shanghai, workingDays: workingDays)
        #expect(occurrence?.effective == at(effective))
        #expect(occurrence?.period == PeriodKey(rawValue: period))
    }

    @Test("A nominal elapse before the instant still comes when its move carries it past the instant")
    func lookbackFindsShiftedOccurrence() throws {
        // 15 Feb 09:00 is nominal; at 20 Feb (in the holiday) it has not yet fired: it fires 24 Feb.
        let monthly = try cadence("OnCalendar=*-*-15 09:00\nKind=reminder\nPeriod=month\nWorkingDay=next")
        let occurrence = monthly.nextOccurrence(after: at("2026-02-20 12:00"), zone: shanghai, workingDays: workingDays)
        #expect(occurrence?.nominal == at("2026-02-15 09:00"))
        #expect(occurrence?.effective == at("2026-02-24 09:00"))
        #expect(occurrence?.isShifted == true)
    }

    @Test("A month-end check moves to the previous working day and keeps its month's key")
    func movesToPreviousWorkingDay() throws {
        let check = try cadence("OnCalendar=*-*~01 17:00\nKind=quota-check\nPeriod=month\nWorkingDay=previous")
        // 31 Jan 2026 is a Saturday: the check runs Friday 30 Jan at 17:00 for 2026-01.
        let january = check.nextOccurrence(after: at("2026-01-20 00:00"), zone: shanghai, workingDays: workingDays)
        #expect(january?.effective == at("2026-01-30 17:00"))
        #expect(january?.period == PeriodKey(rawValue: "2026-01"))
        // After it fired, the next is February's: 28 Feb 2026 is a make-up Saturday, so no move.
        let february = check.nextOccurrence(after: at("2026-01-30 17:00"), zone: shanghai, workingDays: workingDays)
        #expect(february?.effective == at("2026-02-28 17:00"))
        #expect(february?.period == PeriodKey(rawValue: "2026-02"))
    }

    @Test("With several OnCalendar= lines the earliest wins and only the first elapse of a period fires")
    func firstElapseOfPeriodWins() throws {
        let quarterly = try cadence(
            "OnCalendar=*-01,04,07,10-20 09:00\nOnCalendar=*-01,04,07,10-10 09:00\nKind=review\nPeriod=quarter")
        let first = quarterly.nextOccurrence(after: at("2026-01-01 00:00"), zone: shanghai, workingDays: workingDays)
        #expect(first?.effective == at("2026-01-10 09:00"))
        #expect(first?.period == PeriodKey(rawValue: "2026-Q1"))
        // The 20 Jan elapse is in the same quarter and is skipped.
        let second = quarterly.nextOccurrence(after: at("2026-01-10 09:00"), zone: shanghai, workingDays: workingDays)
        #expect(second?.effective == at("2026-04-10 09:00"))
        #expect(second?.period == PeriodKey(rawValue: "2026-Q2"))
        #expect(quarterly.warnings.isEmpty)
    }

    @Test("A move across a daylight-saving change keeps the local time of day")
    func moveKeepsLocalTimeAcrossDST() throws {
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        let yearly = try Cadence.parse(
            name: "dst",
            source: IniSource(
                fileName: "dst.cadence",
                text: "[Cadence]\nOnCalendar=*-03-28 09:00\n"
                    + "Kind=review\nPeriod=year\nWorkingDay=next"), reference: reference, zone: berlin,
            zones: .foundation)
        // Saturday 28 March 2026 09:00 CET (08:00 UTC) → Monday 30 March 09:00 CEST (07:00 UTC).
        let occurrence = yearly.nextOccurrence(after: reference, zone: berlin, workingDays: .weekendsOnly)
        #expect(occurrence?.nominal == Date(timeIntervalSince1970: 1_774_684_800))
        #expect(occurrence?.effective == Date(timeIntervalSince1970: 1_774_854_000))
        #expect(occurrence?.period == PeriodKey(rawValue: "2026"))
    }

    @Test("When two nominal days collapse onto one working day, the earlier effective time wins")
    func earliestEffectiveWins() throws {
        // Saturday 17:00 and Sunday 09:00 both move to Monday; Sunday's 09:00 comes first on Monday.
        let each = try cadence("OnCalendar=Sat *-*-* 17:00\nOnCalendar=Sun *-*-* 09:00\nKind=reminder\nWorkingDay=next")
        let occurrence = each.nextOccurrence(after: at("2026-03-06 18:00"), zone: shanghai, workingDays: .weekendsOnly)
        #expect(occurrence?.effective == at("2026-03-09 09:00"))
        #expect(occurrence?.nominal == at("2026-03-08 09:00"))
    }

    @Test("Occurrence periods are keyed by the nominal local date and time")
    func occurrencePeriodKey() throws {
        let each = try cadence("OnCalendar=*-*-15 09:00\nKind=reminder")
        let occurrence = each.nextOccurrence(after: reference, zone: shanghai, workingDays: workingDays)
        #expect(occurrence?.period == PeriodKey(rawValue: "2026-01-15T09:00:00"))
    }

    @Test(
        "Period keys name months, quarters, half-years and years",
        arguments: [
            (CadencePeriod.month, "2026-11"), (.quarter, "2026-Q4"), (.halfYear, "2026-H2"), (.year, "2026"),
        ])
    func periodKeys(period: CadencePeriod, key: String) {
        #expect(PeriodKey(period, date: day("2026-11-30")).rawValue == key)
    }

    @Test("Calendar warnings and repeated elapses in one period are surfaced with file:line")
    func surfacesWarnings() throws {
        let risky = try cadence("OnCalendar=*-*-31 09:00\nKind=reminder\nPeriod=year")
        #expect(risky.warnings.count == 2)
        #expect(risky.warnings.allSatisfy { $0.hasPrefix("test.cadence:2: OnCalendar= '*-*-31 09:00'") })
        #expect(risky.warnings.contains { $0.contains("only the first elapse in each year fires") })
    }

    @Test(
        "Each bad cadence file is refused with file:line and a reason",
        arguments: [
            (
                "Kind=reminder",
                "test.cadence:1: section '[Cadence]' needs an 'OnCalendar=' or an 'OnHoliday=' assignment"
            ),
            (
                "OnCalendar=*-*-01 09:00\nOnCalendar=\nKind=reminder",
                "test.cadence:1: section '[Cadence]' needs an 'OnCalendar=' or an 'OnHoliday=' assignment"
            ),
            ("OnCalendar=*-*-01 09:00", "test.cadence:1: section '[Cadence]' needs a 'Kind=' assignment"),
            ("OnCalendar=*-*-01 09:00\nKind=party", "test.cadence:3: Kind= 'party' is not one of: reminder, review"),
            (
                "OnCalendar=*-*-01 09:00\nKind=review\nPeriod=fortnight",
                "test.cadence:4: Period= 'fortnight' is not one of"
            ),
            (
                "OnCalendar=*-*-01 09:00\nKind=reminder\nWorkingDay=maybe",
                "test.cadence:4: WorkingDay= 'maybe' is not one of"
            ),
            (
                "OnCalendar=2020-01-01 09:00\nKind=review",
                "test.cadence:2: OnCalendar= '2020-01-01 09:00' never elapses after"
            ),
            ("OnCalendar=whenever\nKind=review", "test.cadence:2: OnCalendar= 'whenever' is not a calendar expression"),
            (
                "OnCalendar=*-*-01 09:00\nKind=reminder\nPriority=high",
                "test.cadence:4: unknown key 'Priority' in section '[Cadence]'"
            ),
        ])
    func refusesBadCadences(body: String, message: String) {
        do {
            _ = try cadence(body)
            Issue.record("accepted bad cadence '\(body)'")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }

    @Test("A cadence name that is not a safe identifier is refused", arguments: ["../etc", "", "a b", "-x"])
    func refusesUnsafeNames(name: String) {
        // Bad input: names that could escape a directory or break a journal field.
        #expect(throws: ConfigurationError.self) {
            try Cadence.parse(
                name: name,
                source: IniSource(fileName: "x.cadence", text: "[Cadence]\nOnCalendar=*-*-01 09:00\nKind=review"),
                reference: reference, zone: shanghai, zones: .foundation)
        }
    }

    @Test("PublishWithinDays= is for the commitment call: 1 to 250 working days")
    func publishWithinDays() throws {
        #expect(try cadence("OnCalendar=*-01-05 09:00\nKind=commitment\nPublishWithinDays=10").publishWithinDays == 10)
        #expect(try cadence("OnCalendar=*-01-05 09:00\nKind=commitment").publishWithinDays == nil)
        #expect(try cadence("OnCalendar=*-01-05 09:00\nKind=commitment\nRecordWithinDays=5").recordWithinDays == 5)
        do {
            _ = try cadence("OnCalendar=*-*-01 09:00\nKind=reminder\nRecordWithinDays=5")
            Issue.record("accepted RecordWithinDays= on a reminder")
        } catch {
            #expect(
                error.description.hasSuffix(
                    "RecordWithinDays= '5' is for the commitment call (Kind=commitment), not Kind=reminder"))
        }
        // Bad input: on a review, zero, a word.
        for (body, says) in [
            (
                "Kind=review\nPeriod=quarter\nPublishWithinDays=10",
                "is for the commitment call (Kind=commitment), not Kind=review"
            ),
            ("Kind=commitment\nPublishWithinDays=0", "is not a number of working days between 1 and 250"),
            ("Kind=commitment\nPublishWithinDays=ten", "is not a number of working days between 1 and 250"),
        ] {
            do {
                _ = try cadence("OnCalendar=*-01-05 09:00\n" + body)
                Issue.record("accepted \(body)")
            } catch {
                #expect(
                    error.description.hasPrefix("test.cadence:") && error.description.contains(": PublishWithinDays=")
                        && error.description.hasSuffix(says), "\(error)")
            }
        }
    }
}
