import ArgumentParser
import CadenceCore
import CadenceConfiguration
import Foundation

/// `cadencectl list-cadences`: the cadences of a configuration directory and when each fires next.
struct ListCadencesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-cadences",
        abstract: "List the configured cadences with their next occurrence.",
        discussion: """
            Reads the configuration directory directly (no daemon needed). Times are shown in the \
            configured zone (TimeZone= in cadenced.conf, else the system's). An occurrence on a \
            non-working day is shown already moved (WorkingDay=), with the nominal time beside it.

            Examples:
              cadencectl list-cadences
              cadencectl list-cadences --config-dir etc/cadenced --json
              cadencectl list-cadences --base-time='2026-12-31 18:00'
              cadencectl list-cadences --iterations 3

            A cadence anchored to a holiday (OnHoliday=春节 -7 09:00) resolves from the holiday \
            files year by year: --iterations shows the dates it will fire on.
            """
    )

    @Option(help: "The configuration directory.")
    var configDir = "/etc/cadenced"

    @Option(
        name: .customLong("base-time"),
        help: ArgumentHelp("List occurrences after this time instead of now (as for 'calendar').", valueName: "TIME"))
    var baseTime: BaseTime?

    @Option(help: "How many next occurrences to show per cadence (1 to 100).")
    var iterations = 1

    @Flag(help: "Print one JSON object per cadence, instants in UTC.")
    var json = false

    func validate() throws {
        guard (1...100).contains(iterations) else {
            throw ValidationError("--iterations must be between 1 and 100, got \(iterations)")
        }
    }

    func run() throws {
        let now = baseTime?.date ?? Date()
        let loaded: LoadedConfiguration
        do {
            loaded = try ConfigurationLoader(directory: configDir).load(
                reference: now, systemTimeZone: LocalZone.current)
        } catch {
            for line in error.errors.map(\.description) { printError(line) }
            throw ExitCode(1)
        }
        for warning in loaded.warnings { printError("warning: " + warning) }
        let rows = loaded.cadences.map { cadence in
            var occurrences: [Occurrence] = []
            var after = now
            while occurrences.count < iterations,
                let next = cadence.nextOccurrence(after: after, zone: loaded.timeZone, workingDays: loaded.workingDays)
            {
                occurrences.append(next)
                after = next.effective
            }
            return (cadence, occurrences)
        }
        if json {
            for (cadence, occurrences) in rows {
                let next = occurrences.first
                var fields = [
                    ("name", JSONString.quoted(cadence.name)), ("kind", JSONString.quoted(cadence.kind.rawValue)),
                    ("period", JSONString.quoted(cadence.period.rawValue)),
                    ("workingDay", JSONString.quoted(cadence.workingDay.rawValue)),
                    (
                        "onCalendar",
                        "[" + cadence.expressions.map { JSONString.quoted($0.normalized) }.joined(separator: ", ") + "]"
                    ),
                    (
                        "onHoliday",
                        "[" + cadence.anchors.map { JSONString.quoted($0.text) }.joined(separator: ", ") + "]"
                    ),
                    ("description", JSONString.quoted(cadence.description)),
                ]
                if let next {
                    fields += [
                        ("next", JSONString.quoted(Timestamp.iso8601UTC(next.effective, microseconds: false))),
                        ("nominal", JSONString.quoted(Timestamp.iso8601UTC(next.nominal, microseconds: false))),
                        ("periodKey", JSONString.quoted(next.period.rawValue)),
                    ]
                } else {
                    fields.append(("next", "null"))
                }
                if iterations > 1 {
                    let all = occurrences.map {
                        JSONString.quoted(Timestamp.iso8601UTC($0.effective, microseconds: false))
                    }
                    fields.append(("occurrences", "[" + all.joined(separator: ", ") + "]"))
                }
                print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
            }
            return
        }
        var table = TextTable(header: ["NAME", "KIND", "PERIOD", "NEXT", "KEY", "DESCRIPTION"])
        for (cadence, occurrences) in rows {
            guard !occurrences.isEmpty else {
                table.rows.append([
                    cadence.name, cadence.kind.rawValue, cadence.period.rawValue, "never", "-", cadence.description,
                ])
                continue
            }
            for (index, next) in occurrences.enumerated() {
                var when = LocalTime.format(next.effective, zone: loaded.timeZone)
                if next.isShifted {
                    when +=
                        " (moved from " + LocalTime.format(next.nominal, zone: loaded.timeZone, dateOnly: true) + ")"
                }
                // Later occurrences of the same cadence under the first, their other columns left blank.
                table.rows.append(
                    index == 0
                        ? [
                            cadence.name, cadence.kind.rawValue, cadence.period.rawValue, when, next.period.rawValue,
                            cadence.description,
                        ] : ["", "", "", when, next.period.rawValue, ""])
            }
        }
        print(table.render())
        print("\n\(rows.count) cadences listed. Times in \(loaded.timeZone.identifier).")
    }
}

/// Dates for people, in the configured zone (DESIGN.md: every date shown to a person is in it).
enum LocalTime {
    static func format(_ date: Date, zone: TimeZone, dateOnly: Bool = false) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
        let weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][(c.weekday ?? 1) - 1]
        func pad(_ v: Int?) -> String { v.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "??" }
        let day = "\(weekday) \(c.year ?? 0)-\(pad(c.month))-\(pad(c.day))"
        return dateOnly ? day : day + " \(pad(c.hour)):\(pad(c.minute))"
    }
}
