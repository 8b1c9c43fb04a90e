public import CadenceCore
public import Foundation

/// Everything read from a configuration directory, validated and ready for the manager.
public struct LoadedConfiguration: Sendable {
    /// The configuration directory as given (`/etc/cadenced`).
    public var directory: String
    public var daemon: DaemonConfiguration
    /// The zone in force: `TimeZone=`, else the system's.
    public var timeZone: TimeZone
    /// Cadences sorted by name.
    public var cadences: [Cadence]
    /// The holiday files applied (all of `holidays.d`, or those `Holidays=` names), sorted by name.
    public var holidayCalendars: [HolidayCalendar]
    public var workingDays: WorkingDayCalendar
    /// Per regional holiday file (`Regional=`): the working days of a unit that chooses it, its
    /// days off on top of everyone's.
    public var regionalWorkingDays: [String: WorkingDayCalendar] = [:]
    /// The group robots notices are posted into (`robots.d`), sorted by name.
    public var robots: [RobotRoute] = []
    /// The office's routing rules (`routes.d`), sorted by name.
    public var routes: [NoticeRoute] = []
    /// The campaign plans (`plans.d`), sorted by name.
    public var plans: [CampaignPlan] = []
    /// Advice for the administrator (`file:line: …`); the configuration is usable as it is.
    public var warnings: [String]
}

extension LoadedConfiguration {
    /// Why `name` cannot be the holidays a unit keeps, or nil when it is a regional holiday file
    /// (`Regional=`).
    public func regionalRefusal(_ name: String) -> String? {
        guard regionalWorkingDays[name] == nil else { return nil }
        let regional = regionalWorkingDays.keys.sorted()
        return "'\(name)' is not a regional holiday file ("
            + (regional.isEmpty
                ? "Regional= of cadenced.conf names none" : "Regional= names " + regional.joined(separator: ", "))
            + ")"
    }
}

/// Reads a configuration directory laid out as `/etc/cadenced` (DESIGN.md "Names and places").
///
/// - `cadenced.conf`, then `cadenced.conf.d/*.conf` in lexical order (a missing `cadenced.conf` means defaults);
/// - `cadences.d/NAME.cadence`, one cadence each, NAME a safe identifier;
/// - `holidays.d/NAME.conf`, one holiday calendar each;
/// - `robots.d/NAME.robot`, one chat group's robot each;
/// - `routes.d/NAME.route`, one routing rule each;
/// - `plans.d/NAME.plan`, one campaign plan each.
///
/// Hidden files are skipped. Error messages name files as `directory/relative-path`, with `directory`
/// exactly as given. Every error of every file is reported, and nothing is returned unless all are valid.
public struct ConfigurationLoader: Sendable {
    public var directory: String
    /// Files larger than this are refused, so a stray large file cannot stall startup.
    public var maximumFileSize = 4 << 20
    /// Whether a group of this name exists (`AdminGroup=` must name one); the system's by default.
    public var groupExists: @Sendable (String) -> Bool = { SystemGroups.gid(of: $0) != nil }

    public init(directory: String) {
        self.directory = directory
    }

    /// Loads and validates the whole directory.
    /// - Parameters:
    ///   - reference: the instant from which "this cadence never fires" is judged (the load time).
    ///   - systemTimeZone: the zone used when `TimeZone=` is not set.
    /// - Throws: ``ConfigurationError``, ``ConfigurationError/multiple(_:)`` when there are several.
    public func load(reference: Date, systemTimeZone: TimeZone) throws(ConfigurationError) -> LoadedConfiguration {
        var errors: [ConfigurationError] = []
        var warnings: [String] = []

        // cadenced.conf and its drop-ins.
        let main = readIfPresent("cadenced.conf", errors: &errors)
        let dropIns = files(in: "cadenced.conf.d", suffix: ".conf", errors: &errors, warnings: &warnings)
            .compactMap { read($0, errors: &errors) }
        var daemon = DaemonConfiguration()
        var ini = IniConfiguration(documents: [])
        do {
            ini = try IniParser.parse(main: main, dropIns: dropIns)
            daemon = try DaemonConfiguration(ini)
        } catch {
            errors.append(error)
        }
        let zone = daemon.resolvedTimeZone(system: systemTimeZone)
        if let group = daemon.adminGroup, !groupExists(group) {
            let at = ini.last("Daemon", "AdminGroup")
            errors.append(
                .badValue(
                    at?.location ?? location("cadenced.conf"), key: "AdminGroup", value: group,
                    reason: "names no group of this system (create it with groupadd \(group), or leave "
                        + "AdminGroup= empty so that only root may change the ledger)"))
        }

        // holidays.d
        var calendars: [HolidayCalendar] = []
        for path in files(in: "holidays.d", suffix: ".conf", errors: &errors, warnings: &warnings) {
            let name = String(path.baseName.dropLast(".conf".count))
            guard DaemonConfiguration.isSafeName(name) else {
                errors.append(.invalid(location(path), reason: "holiday file name '\(name)' is not a safe identifier"))
                continue
            }
            guard let source = read(path, errors: &errors) else { continue }
            do {
                calendars.append(try HolidayCalendar.parse(name: name, source: source, weekend: daemon.weekend))
            } catch {
                errors.append(error)
            }
        }
        let allCalendars = calendars
        if let wanted = daemon.holidayCalendars {
            for name in wanted where !calendars.contains(where: { $0.name == name }) {
                let at = ini.list("WorkingDays", "Holidays")?.last {
                    $0.value.split(separator: " ").contains { $0 == name }
                }
                errors.append(
                    .badValue(
                        at?.location ?? location("cadenced.conf"), key: "Holidays", value: at?.value ?? name,
                        reason: "names '\(name)', but there is no \(relative("holidays.d/\(name).conf"))"))
            }
            calendars = calendars.filter { wanted.contains($0.name) }
        }
        // Regional files apply to the units that choose them, not to everyone.
        var regional: [String: WorkingDayCalendar] = [:]
        var regionalFiles: [HolidayCalendar] = []
        for name in daemon.regionalHolidays {
            let at = ini.list("WorkingDays", "Regional")?.last {
                $0.value.split(separator: " ").contains { $0 == name }
            }
            func refuse(_ reason: String) {
                errors.append(
                    .badValue(
                        at?.location ?? location("cadenced.conf"), key: "Regional", value: at?.value ?? name,
                        reason: reason))
            }
            guard let calendar = allCalendars.first(where: { $0.name == name }) else {
                refuse("names '\(name)', but there is no \(relative("holidays.d/\(name).conf"))")
                continue
            }
            if daemon.holidayCalendars?.contains(name) == true {
                refuse("names '\(name)', which Holidays= applies to every unit already")
                continue
            }
            regionalFiles.append(calendar)
        }
        calendars.removeAll { calendar in daemon.regionalHolidays.contains(calendar.name) }
        for calendar in regionalFiles {
            regional[calendar.name] = WorkingDayCalendar(weekend: daemon.weekend, calendars: calendars + [calendar])
        }
        let workingDays = WorkingDayCalendar(weekend: daemon.weekend, calendars: calendars)
        let coverage = HolidayCoverage(coveredYears: workingDays.coveredYears)
        for gap in coverage.gaps(on: LocalDay.of(reference, in: zone)) {
            let reaches = coverage.lastCoveredYear(before: gap.year).map { " (the holiday files end with \($0))" } ?? ""
            warnings.append(
                "\(relative("holidays.d")): no holiday file covers \(gap.year)\(reaches); "
                    + (gap.started
                        ? "only the weekend is a day off in \(gap.year)"
                        : "from 1 January \(gap.year) only the weekend will be a day off")
                    + ": add \(gap.year)'s days off and make-up working days as announced (docs/manual/configuration.md, \"Adding next year's holidays\")"
            )
        }

        // cadences.d
        var cadences: [Cadence] = []
        for path in files(in: "cadences.d", suffix: ".cadence", errors: &errors, warnings: &warnings) {
            let name = String(path.baseName.dropLast(".cadence".count))
            guard let source = read(path, errors: &errors) else { continue }
            do {
                let cadence = try Cadence.parse(
                    name: name, source: source, reference: reference, zone: zone, zones: .system,
                    holidays: workingDays)
                warnings += cadence.warnings
                cadences.append(cadence)
            } catch {
                errors.append(error)
            }
        }

        // robots.d, routes.d and plans.d: one file each, named by a safe identifier.
        func named<Value>(
            _ folder: String, _ suffix: String, _ what: String,
            _ parse: (String, IniSource) throws(ConfigurationError) -> Value
        ) -> [Value] {
            var values: [Value] = []
            for path in files(in: folder, suffix: suffix, errors: &errors, warnings: &warnings) {
                let name = String(path.baseName.dropLast(suffix.count))
                guard DaemonConfiguration.isSafeName(name) else {
                    errors.append(
                        .invalid(location(path), reason: "\(what) file name '\(name)' is not a safe identifier"))
                    continue
                }
                guard let source = read(path, errors: &errors) else { continue }
                do { values.append(try parse(name, source)) } catch { errors.append(error) }
            }
            return values
        }
        let robots = named("robots.d", ".robot", "robot") { name, source throws(ConfigurationError) in
            try RobotRoute.parse(name: name, source: source)
        }
        let routes = named("routes.d", ".route", "route") { name, source throws(ConfigurationError) in
            try NoticeRoute.parse(name: name, source: source)
        }
        let plans = named("plans.d", ".plan", "plan") { name, source throws(ConfigurationError) in
            try CampaignPlan.parse(name: name, source: source)
        }

        try ConfigurationError.throwIfAny(errors)
        return LoadedConfiguration(
            directory: directory, daemon: daemon, timeZone: zone, cadences: cadences.sorted { $0.name < $1.name },
            holidayCalendars: calendars.sorted { $0.name < $1.name }, workingDays: workingDays,
            regionalWorkingDays: regional, robots: robots.sorted { $0.name < $1.name },
            routes: routes.sorted { $0.name < $1.name }, plans: plans.sorted { $0.name < $1.name }, warnings: warnings)
    }

    // MARK: - Files

    private func relative(_ path: String) -> String {
        directory.hasSuffix("/") ? directory + path : directory + "/" + path
    }

    private func location(_ path: String) -> SourceLocation { SourceLocation(file: relative(path), line: 0) }

    /// Paths (relative to ``directory``) of the regular files in `subdirectory` ending in `suffix`,
    /// sorted by name; a missing subdirectory has none. Other visible files are reported as warnings.
    private func files(
        in subdirectory: String, suffix: String, errors: inout [ConfigurationError], warnings: inout [String]
    ) -> [String] {
        let full = relative(subdirectory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else {
            errors.append(.unreadable(location(subdirectory), reason: "not a directory"))
            return []
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: full)
        } catch {
            errors.append(.unreadable(location(subdirectory), reason: "\(error.localizedDescription)"))
            return []
        }
        var result: [String] = []
        for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) where !name.hasPrefix(".") {
            if name.hasSuffix(suffix), name.count > suffix.count {
                result.append(subdirectory + "/" + name)
            } else if !name.hasPrefix("README") {
                warnings.append("\(relative(subdirectory + "/" + name)): ignored, the name does not end in '\(suffix)'")
            }
        }
        return result
    }

    private func readIfPresent(_ path: String, errors: inout [ConfigurationError]) -> IniSource? {
        guard FileManager.default.fileExists(atPath: relative(path)) else { return nil }
        return read(path, errors: &errors)
    }

    private func read(_ path: String, errors: inout [ConfigurationError]) -> IniSource? {
        let full = relative(path)
        let at = location(path)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: full),
            let type = attributes[.type] as? FileAttributeType
        else {
            errors.append(.unreadable(at, reason: "no such file"))
            return nil
        }
        guard type == .typeRegular || type == .typeSymbolicLink else {
            errors.append(.unreadable(at, reason: "not a regular file"))
            return nil
        }
        guard let data = FileManager.default.contents(atPath: full) else {
            errors.append(.unreadable(at, reason: "permission denied or I/O error"))
            return nil
        }
        guard data.count <= maximumFileSize else {
            errors.append(.unreadable(at, reason: "larger than \(maximumFileSize) bytes"))
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            errors.append(.unreadable(at, reason: "not valid UTF-8"))
            return nil
        }
        return IniSource(fileName: full, text: text)
    }
}

extension String {
    fileprivate var baseName: String {
        guard let slash = lastIndex(of: "/") else { return self }
        return String(self[index(after: slash)...])
    }
}
