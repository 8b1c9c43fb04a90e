import CadenceConfiguration
import CadenceCore
@testable import CadenceDaemon
import CadenceStore
import Foundation
import Testing

private func packageFile(_ path: String) throws -> String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
}

/// The shipped holiday file read line by line, apart from the daemon's reader: the days off and
/// the make-up working days, and each holiday's first day off per year.
private struct HolidayLines {
    var off: Set<String> = []
    var worked: Set<String> = []
    /// Name (its first word) → year → first day off.
    var first: [String: [Int: String]] = [:]

    init(_ text: String) throws {
        for line in text.split(separator: "\n") where line.hasPrefix("Holiday=") || line.hasPrefix("WorkingDay=") {
            let value = line.split(separator: "=", maxSplits: 1)[1]
            let words = value.split(separator: " ")
            let ends = words[0].components(separatedBy: "..")
            var day = try #require(LocalDate(ends[0]))
            let last = try #require(LocalDate(ends.last!))
            while day <= last {
                if line.hasPrefix("Holiday=") {
                    off.insert(day.description)
                    let name = String(words[1])
                    if first[name]?[day.year].map({ day.description < $0 }) ?? true {
                        first[name, default: [:]][day.year] = day.description
                    }
                } else {
                    worked.insert(day.description)
                }
                day = day.adding(days: 1)
            }
        }
    }

    /// Worked: a make-up working day, or a weekday that is not a day off.
    func isWorking(_ day: LocalDate) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
        let weekday = calendar.component(.weekday, from: date)  // 1 = Sunday, 7 = Saturday
        return worked.contains(day.description) || (!off.contains(day.description) && weekday != 1 && weekday != 7)
    }

    func moved(_ day: LocalDate, by step: Int) -> LocalDate {
        var day = day
        while !isWorking(day) { day = day.adding(days: step) }
        return day
    }
}

/// Every occurrence notice of the cadences in `names` from `start` to `end`, walking the manager
/// from wake to wake as the daemon does.
private func walk(_ env: ManagerEnvironment, from start: Date, to end: Date, cadences names: Set<String>) throws
    -> [(cadence: String, at: Date)]
{
    var now = start
    let manager = try env.manager(now: now)
    var seen: [(String, Date)] = []
    while now < end {
        let plan = try manager.tick(at: now)
        for notice in plan.stored where notice.kind == .occurrence {
            if let cadence = notice.cadence, names.contains(cadence) { seen.append((cadence, notice.dueAt)) }
        }
        guard let wake = plan.wake else { break }
        now = max(wake, now.addingTimeInterval(1))
    }
    return seen
}

private func shanghai(_ day: LocalDate, _ hour: Int) -> Date {
    LocalDay.instant(day, secondsOfDay: hour * 3600, in: shanghaiZone)
}

@Suite("Holiday-anchored and weekly cadences, as shipped examples (R7, R8)")
struct ExampleCadenceTests {
    @Test(
        "An anchor reads as the office writes it",
        arguments: [
            ("春节 -14 09:00", "春节", -14, 32_400), ("中秋 -1", "中秋", -1, 0), ("国庆 +2d 17:30", "国庆", 2, 63_000),
            ("Spring Festival -7 08:00:30", "Spring Festival", -7, 28_830), ("端午", "端午", 0, 0),
        ] as [(String, String, Int, Int)])
    func anchors(text: String, holiday: String, offset: Int, seconds: Int) throws {
        let anchor = try #require(HolidayAnchor(text))
        #expect(anchor.holiday == holiday && anchor.offsetDays == offset && anchor.secondsOfDay == seconds)
    }

    @Test("What is no anchor is refused", arguments: ["", "-7", "春节 -x", "春节 25:00", "春节 -400", "春节 9:61"])
    func notAnchors(text: String) {
        #expect(HolidayAnchor(text) == nil)
    }

    @Test("The shipped holiday data names the festivals an anchor may use, every year it covers")
    func festivalsNamed() throws {
        let env = try ManagerEnvironment(
            cadences: [:], files: ["holidays.d/cn.conf": try packageFile("etc/cadenced/holidays.d/cn.conf")])
        let manager = try env.manager(now: inUTC("2026-01-01"))
        let workingDays = manager.configuration.workingDays
        for (name, since) in [("春节", 2004), ("清明", 2008), ("劳动节", 2004), ("端午", 2008), ("中秋", 2008), ("国庆", 2004)] {
            let years = try #require(HolidayAnchor(name)).days(workingDays: workingDays).map(\.year)
            #expect(years == Array(since...2026), "\(name): \(years)")
        }
        // 2020's Mid-Autumn Festival fell on National Day: the two holidays were given together.
        #expect(try #require(HolidayAnchor("Mid-autumn")).days(workingDays: workingDays).map(\.year).contains(2020))
    }

    @Test(
        "The Spring Festival check, walked over seventeen years, fires 14 days before each year's first day off, on the working day before when that is off, as the test reads the holiday file"
    )
    func springFestivalWalk() throws {
        let holidays = try packageFile("etc/cadenced/holidays.d/cn.conf")
        let lines = try HolidayLines(holidays)
        let env = try ManagerEnvironment(
            cadences: ["spring": try packageFile("examples/cadences/spring-festival-safety-check.cadence")],
            conf: "TimeZone=Asia/Shanghai\n", files: ["holidays.d/cn.conf": holidays])
        let seen = try walk(env, from: inShanghai("2010-01-01"), to: inShanghai("2026-12-01"), cadences: ["spring"])
        let expected = (2010...2026).map { year in
            shanghai(lines.moved(LocalDate(lines.first["春节"]![year]!)!.adding(days: -14), by: -1), 9)
        }
        #expect(seen.map(\.at) == expected)
        // 2024: 14 days before 10 February is Saturday 27 January: the Friday before.
        #expect(seen.contains { $0.at == inShanghai("2024-01-26", 9) })
    }

    @Test(
        "An anchor naming no holiday is refused at its line; one past the holiday data warns that it fires once next year's holidays are added"
    )
    func anchorErrors() throws {
        let holidays = try packageFile("etc/cadenced/holidays.d/cn.conf")
        let bad = try ManagerEnvironment(
            cadences: ["x": "[Cadence]\nKind=reminder\nOnHoliday=圣诞 -1 09:00\n"],
            files: ["holidays.d/cn.conf": holidays])
        do {
            _ = try bad.manager(now: inUTC("2026-01-01"))
            Issue.record("an anchor naming no holiday was accepted")
        } catch {
            #expect(
                "\(error)".contains("x.cadence:3: OnHoliday= '圣诞 -1 09:00' names no holiday of holidays.d ("),
                "\(error)")
            #expect("\(error)".contains("春节") && "\(error)".contains("中秋节") && !"\(error)".contains("、"), "\(error)")
        }
        let malformed = try ManagerEnvironment(
            cadences: ["x": "[Cadence]\nKind=reminder\nOnHoliday=春节 -x\n"], files: ["holidays.d/cn.conf": holidays])
        #expect(throws: ConfigurationError.self) { _ = try malformed.manager(now: inUTC("2026-01-01")) }
        let late = try ManagerEnvironment(
            cadences: ["x": "[Cadence]\nKind=reminder\nOnHoliday=春节 -14 09:00\n"],
            files: ["holidays.d/cn.conf": holidays])
        let manager = try late.manager(now: inUTC("2026-03-01"))
        let warning = manager.configuration.warnings.first { $0.contains("OnHoliday=") }
        #expect(
            warning?.contains("the holiday files have no 春节 after 2026-02-15") == true, "\(String(describing: warning))"
        )
    }

    @Test(
        "The weekly circular, the weekly visits and the monthly ranking, walked over a quarter with the National Day holiday, fire as the test computes; each ranking writes the year's evaluation so far"
    )
    func weeklyAndMonthly() throws {
        let holidays = try packageFile("etc/cadenced/holidays.d/cn.conf")
        let lines = try HolidayLines(holidays)
        let names = ["weekly-circular", "weekly-unannounced-visits", "monthly-ranking"]
        var cadences: [String: String] = [:]
        for name in names { cadences[name] = try packageFile("examples/cadences/\(name).cadence") }
        let env = try ManagerEnvironment(
            cadences: cadences, conf: "TimeZone=Asia/Shanghai\nLanguage=zh\n", files: ["holidays.d/cn.conf": holidays])
        let manager = try env.manager(now: inShanghai("2026-08-31"))
        try manager.store.addUnits(
            [
                NewUnit(id: "city", name: "示例市卫生局", kind: .bureau),
                NewUnit(id: "county-a", name: "甲县卫生局", kind: .countyBureau, parent: "city"),
            ], at: inShanghai("2026-01-01"), actor: nil)
        let seen = try walk(env, from: inShanghai("2026-08-31"), to: inShanghai("2026-11-01"), cadences: Set(names))
        var expected: [(String, Date)] = []
        var day = LocalDate("2026-08-31")!
        while day < LocalDate("2026-11-01")! {
            let weekday = (day.dayNumber + 3) % 7 + 1  // ISO: 1 = Monday; day 0 (1970-01-01) was a Thursday
            if weekday == 5 { expected.append(("weekly-circular", shanghai(lines.moved(day, by: -1), 16))) }
            if weekday == 1 { expected.append(("weekly-unannounced-visits", shanghai(lines.moved(day, by: 1), 9))) }
            if day.adding(days: 1).month != day.month {
                expected.append(("monthly-ranking", shanghai(lines.moved(day, by: -1), 16)))
            }
            day = day.adding(days: 1)
        }
        expected = expected.filter { $0.1 > inShanghai("2026-08-31") && $0.1 < inShanghai("2026-11-01") }
        func key(_ entry: (String, Date)) -> String { "\(entry.0) \(entry.1.timeIntervalSince1970)" }
        #expect(Set(seen.map(key)) == Set(expected.map(key)))
        #expect(seen.count == expected.count, "each once")
        // Friday 2 October is a day off (国庆): the circular comes on Wednesday 30 September.
        #expect(seen.contains { $0.cadence == "weekly-circular" && $0.at == inShanghai("2026-09-30", 16) })
        // Each month's ranking: the year's evaluation so far, as a page and in Markdown, beside it.
        let reports = env.noticeFiles().filter { $0.contains("evaluation-year-end") && $0.hasSuffix(".md") }
        #expect(reports.count == 3, "August, September and October: \(reports)")
        for path in reports {
            let text = try String(contentsOfFile: env.noticeDirectory + "/" + path, encoding: .utf8)
            #expect(text.contains("# 2026 年度总评（一年一总评）·初步结果"))
            #expect(text.contains("甲县卫生局") && text.contains("排名规则"))
        }
    }
}
