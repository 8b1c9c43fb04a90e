import CadenceConfiguration
import CadenceCore
import Foundation
import Testing

private let shanghai = TimeZone(identifier: "Asia/Shanghai")!

// `2026-01-01 00:00` read as a local time in Shanghai (UTC+8, no DST).
private func shanghaiTime(_ text: String) -> Date {
    let parts = text.split(separator: " ")
    let date = LocalDate(parts[0])!
    let time = parts[1].split(separator: ":").map { Int($0)! }
    return Date(timeIntervalSince1970: TimeInterval(date.dayNumber * 86_400 + time[0] * 3600 + time[1] * 60 - 28_800))
}

// A temporary configuration directory, removed when the test ends.
private final class TemporaryDirectory {
    let path: String

    init() throws {
        path =
            FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ relativePath: String, _ text: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

private let goodCadence = "[Cadence]\nOnCalendar=*-*-01 09:00\nKind=reminder\nPeriod=month\n"

@Suite("Configuration directory loading")
struct ConfigurationLoaderTests {
    static let shipped: String = {
        // Tests/CadenceDaemonTests/ConfigurationLoaderTests.swift → package root → etc/cadenced
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("etc/cadenced").path
    }()

    static func loadShipped() throws -> LoadedConfiguration {
        try ConfigurationLoader(directory: shipped).load(
            reference: shanghaiTime("2026-01-01 00:00"), systemTimeZone: shanghai)
    }

    @Test("The shipped configuration loads with its defaults, the China holidays and no warnings")
    func shippedConfigurationLoads() throws {
        let loaded = try Self.loadShipped()
        #expect(loaded.daemon == DaemonConfiguration())
        #expect(loaded.timeZone == shanghai)
        #expect(loaded.holidayCalendars.map(\.name) == ["cn"])
        #expect(loaded.workingDays.isWorkingDay(LocalDate("2026-02-14")!))  // make-up Saturday (调休)
        #expect(!loaded.workingDays.isWorkingDay(LocalDate("2026-02-17")!))  // Spring Festival
        #expect(loaded.workingDays.coveredYears.isSuperset(of: Set(2004...2026)))
        #expect(loaded.warnings == [])
    }

    @Test(
        "Each shipped cadence's next occurrence after 2026-01-01 00:00 in Shanghai",
        arguments: [
            ("commitments", CadenceKind.commitment, "2026-01-05 09:00", "2026"),
            ("half-year-appraisal", .appraisal, "2026-06-10 09:00", "2026-H1"),
            ("half-year-inspection", .inspection, "2026-06-01 09:30", "2026-H1"),
            // 1 Jan is New Year's Day, 2–3 Jan are days off, Sunday 4 Jan is a make-up working day.
            ("monthly-reminder", .reminder, "2026-01-04 09:00", "2026-01"),
            // Saturday 31 Jan → Friday 30 Jan.
            ("month-end-quota", .quotaCheck, "2026-01-30 17:00", "2026-01"),
            // Sunday 1 Mar → Monday 2 Mar.
            ("quarterly-review", .review, "2026-03-02 09:00", "2026-Q1"),
            // Sunday 20 Dec → Friday 18 Dec.
            ("year-end-evaluation", .evaluation, "2026-12-18 09:00", "2026"),
        ])
    func shippedCadenceOccurrences(name: String, kind: CadenceKind, effective: String, period: String) throws {
        let loaded = try Self.loadShipped()
        let cadence = try #require(loaded.cadences.first { $0.name == name })
        #expect(cadence.kind == kind)
        let occurrence = cadence.nextOccurrence(
            after: shanghaiTime("2026-01-01 00:00"), zone: loaded.timeZone, workingDays: loaded.workingDays)
        #expect(occurrence?.effective == shanghaiTime(effective))
        #expect(occurrence?.period == PeriodKey(rawValue: period))
    }

    @Test("The shipped cadences are the campaign's seven")
    func shippedCadenceNames() throws {
        #expect(
            try Self.loadShipped().cadences.map(\.name) == [
                "commitments", "half-year-appraisal", "half-year-inspection", "month-end-quota", "monthly-reminder",
                "quarterly-review", "year-end-evaluation",
            ])
    }

    @Test("The shipped cadenced.conf lists every option, and its commented values are the built-in defaults")
    func shippedFileDocumentsDefaults() throws {
        let text = try String(contentsOfFile: Self.shipped + "/cadenced.conf", encoding: .utf8)
        for (section, keys) in DaemonConfiguration.schema.sections {
            #expect(text.contains("[\(section)]"))
            for key in keys.keys {
                #expect(text.contains("\n#\(key)="), "cadenced.conf does not document \(key)=")
            }
        }
        // Uncommenting every `#Key=value` line must change nothing.
        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.first == "#" && line.dropFirst().first?.isUppercase == true ? String(line.dropFirst()) : String(line)
        }.joined(separator: "\n")
        let parsed = try DaemonConfiguration.parse(
            main: IniSource(fileName: "cadenced.conf", text: uncommented), dropIns: [])
        #expect(parsed == DaemonConfiguration())
    }

    @Test("An empty directory means defaults, no cadences and weekends only")
    func emptyDirectoryMeansDefaults() throws {
        let directory = try TemporaryDirectory()
        let loaded = try ConfigurationLoader(directory: directory.path).load(
            reference: shanghaiTime("2026-01-01 00:00"), systemTimeZone: shanghai)
        #expect(loaded.daemon == DaemonConfiguration())
        #expect(loaded.cadences.isEmpty)
        #expect(loaded.workingDays == WorkingDayCalendar(weekend: [.saturday, .sunday], calendars: []))
    }

    @Test("Drop-ins apply in lexical order, the zone applies to cadences, and Holidays= selects files")
    func dropInsAndSelection() throws {
        let directory = try TemporaryDirectory()
        try directory.write("cadenced.conf", "[Daemon]\nTimeZone=UTC\n")
        try directory.write("cadenced.conf.d/20-zone.conf", "[Daemon]\nTimeZone=Asia/Shanghai\n")
        try directory.write(
            "cadenced.conf.d/10-zone.conf", "[Daemon]\nTimeZone=Europe/Berlin\n[WorkingDays]\nHolidays=a\n")
        try directory.write("holidays.d/a.conf", "[2026]\nHoliday=2026-01-05\n")
        try directory.write("holidays.d/b.conf", "[2026]\nHoliday=2026-01-06\n")
        try directory.write("cadences.d/monthly.cadence", goodCadence)
        try directory.write("cadences.d/notes.txt", "not a cadence")
        let loaded = try ConfigurationLoader(directory: directory.path).load(
            reference: shanghaiTime("2026-01-01 00:00"), systemTimeZone: TimeZone(identifier: "UTC")!)
        #expect(loaded.timeZone == shanghai)
        #expect(loaded.holidayCalendars.map(\.name) == ["a"])
        #expect(!loaded.workingDays.isWorkingDay(LocalDate("2026-01-05")!))
        #expect(loaded.workingDays.isWorkingDay(LocalDate("2026-01-06")!))
        #expect(loaded.cadences.map(\.name) == ["monthly"])
        #expect(
            loaded.warnings == ["\(directory.path)/cadences.d/notes.txt: ignored, the name does not end in '.cadence'"])
    }

    @Test("Bad lines in several files are all reported with their file:line and nothing is loaded")
    func reportsAllErrors() throws {
        // Bad input: an unknown key in a drop-in, a bad holiday range, an unsafe cadence name and a cadence
        // without Kind=, next to valid files.
        let directory = try TemporaryDirectory()
        try directory.write("cadenced.conf", "[Daemon]\nLanguage=zh\n")
        try directory.write("cadenced.conf.d/50-typo.conf", "[Daemon]\n\nLangauge=en\n")
        try directory.write("holidays.d/cn.conf", "[2026]\nHoliday=2026-02-23..2026-02-15\n")
        try directory.write("cadences.d/good.cadence", goodCadence)
        try directory.write("cadences.d/bad name.cadence", goodCadence)
        try directory.write("cadences.d/kindless.cadence", "[Cadence]\nOnCalendar=*-*-01 09:00\n")
        let loader = ConfigurationLoader(directory: directory.path)
        do {
            _ = try loader.load(reference: shanghaiTime("2026-01-01 00:00"), systemTimeZone: shanghai)
            Issue.record("a bad configuration directory was accepted")
        } catch {
            let d = directory.path
            #expect(
                error.errors.map(\.description) == [
                    "\(d)/cadenced.conf.d/50-typo.conf:3: unknown key 'Langauge' in section '[Daemon]'",
                    "\(d)/holidays.d/cn.conf:2: Holiday= '2026-02-23..2026-02-15' "
                        + "is a range that ends before it starts",
                    "\(d)/cadences.d/bad name.cadence: cadence name 'bad name' is not a safe identifier "
                        + "(letters, digits, '_' and '-', at most 64)",
                    "\(d)/cadences.d/kindless.cadence:1: section '[Cadence]' needs a 'Kind=' assignment",
                ])
        }
    }

    // Bad input tried: a channel that is no robot's (email, slack), a kind not for people, a unit
    // path, Mention= not yes or no, an unknown key, a file without Channel=, an unsafe name.
    @Test("robots.d: each robot's channel, units, kinds and masking; every bad line reported with file:line")
    func robotFiles() throws {
        let directory = try TemporaryDirectory()
        try directory.write(
            "robots.d/county-a-group.robot",
            "[Robot]\nDescription=甲县卫生局工作群\nChannel=dingtalk\nUnits=county-a county-b\nKinds=overdue escalation\n")
        try directory.write("robots.d/city.robot", "[Robot]\nChannel=wecom\nMaskNames=no\nMention=off\n")
        let loaded = try ConfigurationLoader(directory: directory.path).load(
            reference: shanghaiTime("2026-01-01 00:00"), systemTimeZone: shanghai)
        #expect(
            loaded.robots == [
                RobotRoute(name: "city", channel: .wecom, mention: false, maskNames: false),
                RobotRoute(
                    name: "county-a-group", channel: .dingtalk, description: "甲县卫生局工作群",
                    units: ["county-a", "county-b"],
                    kinds: [.overdue, .escalation]),
            ])
        #expect(loaded.robots[0].kinds == RobotRoute.defaultKinds && !RobotRoute.defaultKinds.contains(.digest))
        // A notice about a sub-unit of county-a (its chain: itself, county-a, city) is taken.
        #expect(loaded.robots[1].takes(kind: .overdue, unitChains: [["clinic-1", "county-a", "city"]]))
        #expect(!loaded.robots[1].takes(kind: .overdue, unitChains: [["county-c", "city"]]))
        #expect(!loaded.robots[1].takes(kind: .deadlineWarning, unitChains: [["county-a", "city"]]))
        #expect(loaded.robots[1].takes(kind: .overdue, unitChains: []), "a notice about no unit goes to every robot")

        try directory.write(
            "robots.d/bad.robot",
            "[Robot]\nChannel=slack\nKinds=overdue digest\nUnits=a/b\nMention=perhaps\nColour=red\n")
        try directory.write("robots.d/mail.robot", "[Robot]\nChannel=email\n")
        try directory.write("robots.d/empty.robot", "[Robot]\nDescription=nothing\n")
        try directory.write("robots.d/bad name.robot", "[Robot]\nChannel=feishu\n")
        do {
            _ = try ConfigurationLoader(directory: directory.path).load(
                reference: shanghaiTime("2026-01-01 00:00"), systemTimeZone: shanghai)
            Issue.record("bad robot files were accepted")
        } catch {
            let d = directory.path
            let robots = "dingtalk, wecom, feishu, exec"
            #expect(
                error.errors.map(\.description) == [
                    "\(d)/robots.d/bad name.robot: robot file name 'bad name' is not a safe identifier",
                    "\(d)/robots.d/bad.robot:2: Channel= 'slack' is not one of: \(robots)",
                    "\(d)/robots.d/bad.robot:3: Kinds= 'digest' is not one of: "
                        + RobotRoute.defaultKinds.map(\.rawValue).joined(separator: ", "),
                    "\(d)/robots.d/bad.robot:4: Units= 'a/b' is not a unit id",
                    "\(d)/robots.d/bad.robot:5: Mention= 'perhaps' is not yes or no",
                    "\(d)/robots.d/bad.robot:6: unknown key 'Colour' in section '[Robot]'",
                    "\(d)/robots.d/empty.robot:1: Channel= is missing (dingtalk, wecom, feishu or exec)",
                    "\(d)/robots.d/mail.robot:2: Channel= 'email' is not one of: \(robots)",
                ])
        }
    }

    @Test("Holidays= naming a file that does not exist is refused at its line")
    func refusesMissingHolidayFile() throws {
        // Bad input: Holidays= names 'xj', but holidays.d has only cn.conf.
        let directory = try TemporaryDirectory()
        try directory.write("cadenced.conf", "[WorkingDays]\nHolidays=cn xj\n")
        try directory.write("holidays.d/cn.conf", "[2026]\nHoliday=2026-01-01\n")
        #expect {
            try ConfigurationLoader(directory: directory.path).load(
                reference: shanghaiTime("2026-01-01 00:00"), systemTimeZone: shanghai)
        } throws: { error in
            (error as? ConfigurationError)?.description
                == "\(directory.path)/cadenced.conf:2: Holidays= 'cn xj' names 'xj', "
                + "but there is no \(directory.path)/holidays.d/xj.conf"
        }
    }

    /// A holiday file with one year, as the shipped one ends.
    private let holidays2026 = """
        [2026]
        Holiday=2026-10-01..2026-10-07 国庆节
        WorkingDay=2026-10-10 国庆节
        """

    @Test("Start and reload warn from 1 December that the coming year has no holidays")
    func loaderWarns() throws {
        let directory = try TemporaryDirectory()
        try directory.write("cadenced.conf", "[Daemon]\nTimeZone=Asia/Shanghai\n")
        try directory.write("holidays.d/cn.conf", holidays2026)
        let loader = ConfigurationLoader(directory: directory.path)
        let zone = shanghai
        #expect(try loader.load(reference: shanghaiTime("2026-11-30 23:59"), systemTimeZone: zone).warnings == [])
        #expect(
            try loader.load(reference: shanghaiTime("2026-12-01 00:00"), systemTimeZone: zone).warnings == [
                "\(directory.path)/holidays.d: no holiday file covers 2027 (the holiday files end with 2026); "
                    + "from 1 January 2027 only the weekend will be a day off: add 2027's days off and make-up "
                    + "working days as announced (docs/manual/configuration.md, \"Adding next year's holidays\")"
            ])
        #expect(
            try loader.load(reference: shanghaiTime("2027-01-01 00:00"), systemTimeZone: zone).warnings == [
                "\(directory.path)/holidays.d: no holiday file covers 2027 (the holiday files end with 2026); "
                    + "only the weekend is a day off in 2027: add 2027's days off and make-up working days as "
                    + "announced (docs/manual/configuration.md, \"Adding next year's holidays\")"
            ])
        // The office adds the announced schedule: the warning goes.
        try directory.write("holidays.d/2027.conf", "[2027]\nHoliday=2027-10-01..2027-10-07 国庆节\n")
        #expect(try loader.load(reference: shanghaiTime("2026-12-01 00:00"), systemTimeZone: zone).warnings == [])
    }

    @Test("A new holiday file is checked against its own rules")
    func fileRules() throws {
        // Bad input: a make-up working day on a Wednesday (already a working day), a holiday listed
        // twice, and with Weekend=Friday Saturday, a make-up Sunday.
        let directory = try TemporaryDirectory()
        try directory.write(
            "holidays.d/cn.conf",
            """
            [2027]
            Holiday=2027-10-01..2027-10-07 国庆节
            WorkingDay=2027-10-13 国庆节
            Holiday=2027-10-07
            WorkingDay=2027-10-09 国庆节
            """)
        let loader = ConfigurationLoader(directory: directory.path)
        let reference = shanghaiTime("2027-03-01 00:00")
        let zone = shanghai
        #expect {
            try loader.load(reference: reference, systemTimeZone: zone)
        } throws: { error in
            (error as? ConfigurationError)?.description == """
                \(directory.path)/holidays.d/cn.conf:3: WorkingDay= '2027-10-13 国庆节' lists 2027-10-13, a Wednesday, \
                which is a working day anyway: a make-up working day (调休) is a weekend day that is worked
                \(directory.path)/holidays.d/cn.conf:4: Holiday= '2027-10-07' lists 2027-10-07, which \
                \(directory.path)/holidays.d/cn.conf:2 already lists
                """
        }
        // With Weekend=Friday Saturday, a Friday may be a make-up day too (and the national file's
        // Sundays still pass); a Thursday may not.
        try directory.write("cadenced.conf", "[WorkingDays]\nWeekend=Friday Saturday\n")
        try directory.write(
            "holidays.d/cn.conf", "[2027]\nWorkingDay=2027-10-08\nWorkingDay=2027-10-10\nWorkingDay=2027-10-07\n")
        #expect {
            try loader.load(reference: reference, systemTimeZone: zone)
        } throws: { error in
            (error as? ConfigurationError)?.description
                == "\(directory.path)/holidays.d/cn.conf:4: WorkingDay= '2027-10-07' lists 2027-10-07, a Thursday, "
                + "which is a working day anyway: a make-up working day (调休) is a weekend day that is worked"
        }
    }
}
