public import Foundation

extension Cadence {
    /// The keys a cadence file may contain.
    public static let schema = IniSchema([
        "Cadence": [
            "OnCalendar": .list, "Kind": .single, "Period": .single, "WorkingDay": .single, "Description": .single,
            "Report": .single, "FinalReport": .single, "Units": .list, "PublishWithinDays": .single,
            "RecordWithinDays": .single, "OnHoliday": .list,
        ]
    ])

    /// Parses a cadence file (`cadences.d/NAME.cadence`).
    ///
    /// ```
    /// [Cadence]
    /// Description=Monthly reminder 一月一提醒
    /// OnCalendar=*-*-05 09:00
    /// Kind=reminder
    /// Period=month
    /// WorkingDay=next
    /// ```
    /// `OnCalendar=` (required, repeatable, empty resets) and `Kind=` are required; `Period=` defaults to
    /// `occurrence`, `WorkingDay=` to `none`, `Description=` to the name; `Report=` lists the evaluation
    /// reports written with each occurrence (``EvaluationVariant`` names, or `none`; default by kind);
    /// `FinalReport=` (a calendar expression) when they are written again as the final result, after
    /// their period has ended; `Units=` the kinds of unit that owe a duty (a list; default every unit
    /// with a parent); `PublishWithinDays=` (Kind=commitment) the working days after the call within
    /// which commitments are published (公示). An expression that never elapses
    /// after `reference` is refused; calendar warnings become ``warnings`` prefixed with `file:line`, as do
    /// expressions that elapse more than once per period (only the first elapse of a period counts).
    /// - Parameters:
    ///   - name: the cadence's name; must be a safe identifier (`[A-Za-z0-9][A-Za-z0-9_-]*`).
    ///   - reference: the instant from which "never elapses" is judged (the daemon passes the load time).
    ///   - zone: the configured zone.
    ///   - zones: how zone names in an expression's suffix are recognised (the daemon passes the system's).
    ///   - holidays: the holiday data an `OnHoliday=` line must name a holiday of (nil: not checked).
    public static func parse(
        name: String, source: IniSource, reference: Date, zone: TimeZone, zones: ZoneDatabase,
        holidays: WorkingDayCalendar? = nil
    ) throws(ConfigurationError) -> Cadence {
        let fileAt = SourceLocation(file: source.fileName, line: 0)
        guard DaemonConfiguration.isSafeName(name) else {
            throw .invalid(
                fileAt,
                reason: "cadence name '\(name)' is not a safe identifier (letters, digits, '_' and '-', at most 64)")
        }
        let ini = try IniParser.parse(main: source, dropIns: [])
        var errors = ini.unknownNames(schema: schema)
        var warnings: [String] = []
        let sectionAt = ini.sectionHeaders.first { $0.name == "Cadence" }?.location ?? fileAt

        var expressions: [CalendarExpression] = []
        for assignment in ini.list("Cadence", "OnCalendar") ?? [] {
            let expression: CalendarExpression
            do {
                expression = try CalendarExpression(assignment.value, zones: zones)
            } catch {
                errors.append(
                    .badValue(
                        assignment.location, key: "OnCalendar", value: assignment.value,
                        reason: "is not a calendar expression: \(error)"))
                continue
            }
            guard expression.nextElapse(after: reference, localZone: zone) != nil else {
                errors.append(
                    .badValue(
                        assignment.location, key: "OnCalendar", value: assignment.value,
                        reason: "never elapses after \(reference.formatted(.iso8601)); the cadence would never fire"))
                continue
            }
            warnings += expression.warnings.map { "\(assignment.location): OnCalendar= '\(assignment.value)': \($0)" }
            expressions.append(expression)
        }
        var anchors: [HolidayAnchor] = []
        for assignment in ini.list("Cadence", "OnHoliday") ?? [] {
            guard let anchor = HolidayAnchor(assignment.value) else {
                errors.append(
                    .badValue(
                        assignment.location, key: "OnHoliday", value: assignment.value,
                        reason: "is not a holiday with an offset in days and a time (春节 -7 09:00, 中秋 -1)"))
                continue
            }
            if let holidays {
                let days = anchor.days(workingDays: holidays)
                guard !days.isEmpty else {
                    let names = Set(
                        holidays.holidays.values.flatMap {
                            $0.prefix { $0 != " " }.split(separator: "、").map(String.init)
                        }
                    ).sorted()
                    errors.append(
                        .badValue(
                            assignment.location, key: "OnHoliday", value: assignment.value,
                            reason: "names no holiday of holidays.d ("
                                + (names.isEmpty ? "it has none" : names.joined(separator: ", ")) + ")"))
                    continue
                }
                if anchor.nextElapse(after: reference, zone: zone, workingDays: holidays) == nil {
                    warnings.append(
                        "\(assignment.location): OnHoliday= '\(assignment.value)': the holiday files have no "
                            + "\(anchor.holiday) after \(days.last!.adding(days: -anchor.offsetDays)); it fires again "
                            + "once next year's holidays are added")
                }
            }
            anchors.append(anchor)
        }
        if (ini.list("Cadence", "OnCalendar")?.isEmpty ?? true) && (ini.list("Cadence", "OnHoliday")?.isEmpty ?? true) {
            errors.append(
                .invalid(sectionAt, reason: "section '[Cadence]' needs an 'OnCalendar=' or an 'OnHoliday=' assignment"))
        }

        func choice<T: Vocabulary>(_ key: String, default value: T?) -> T? {
            guard let assignment = ini.last("Cadence", key), !assignment.value.isEmpty else { return value }
            if let parsed = T(rawValue: assignment.value) { return parsed }
            errors.append(
                .badValue(assignment.location, key: key, value: assignment.value, reason: "is not one of: \(T.names)"))
            return value
        }
        let kind: CadenceKind? = choice("Kind", default: nil)
        if ini.last("Cadence", "Kind").map({ $0.value.isEmpty }) ?? true {
            errors.append(.missingKey(sectionAt, section: "Cadence", key: "Kind"))
        }
        let period: CadencePeriod = choice("Period", default: .occurrence) ?? .occurrence
        // A duty is checked at the end of its period: with each elapse its own period there is none.
        let periodGiven = ini.last("Cadence", "Period").map { !$0.value.isEmpty } ?? false
        let periodValid = !periodGiven || CadencePeriod(rawValue: ini.last("Cadence", "Period")!.value) != nil
        if let kind, kind.requiresRecord || kind == .quotaCheck, periodValid {
            let at = ini.last("Cadence", "Period")?.location ?? ini.last("Cadence", "Kind")?.location ?? sectionAt
            if kind == .quotaCheck, period != .month {
                errors.append(
                    .invalid(
                        at,
                        reason: "Kind=quota-check needs Period=month: report quotas are monthly and are checked "
                            + "at each month's end"))
            } else if period == .occurrence {
                errors.append(
                    .invalid(
                        at,
                        reason: "Kind=\(kind.rawValue) is a duty recorded per unit and checked at its period's end; "
                            + "give Period=month, quarter, half-year or year (Period=occurrence has no end to "
                            + "check it at)"))
            }
        }
        let shift: WorkingDayShift = choice("WorkingDay", default: WorkingDayShift.none) ?? .none
        let description = ini.last("Cadence", "Description").map(\.value).flatMap { $0.isEmpty ? nil : $0 }
        var reports: [EvaluationVariant]?
        if let assignment = ini.last("Cadence", "Report"), !assignment.value.isEmpty {
            let words = assignment.value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(
                String.init)
            if words == ["none"] {
                reports = []
            } else {
                reports = []
                for word in words {
                    if let variant = EvaluationVariant(rawValue: word) {
                        if !reports!.contains(variant) { reports!.append(variant) }
                    } else {
                        let allowed = EvaluationVariant.names
                        errors.append(
                            .badValue(
                                assignment.location, key: "Report", value: assignment.value,
                                reason: "'\(word)' is not one of: none, \(allowed)"))
                    }
                }
            }
        }

        var finalReport: CalendarExpression?
        if let assignment = ini.last("Cadence", "FinalReport"), !assignment.value.isEmpty {
            let writesReports = reports.map { !$0.isEmpty } ?? (kind == .evaluation)
            do {
                finalReport = try CalendarExpression(assignment.value, zones: zones)
                if !writesReports {
                    errors.append(
                        .badValue(
                            assignment.location, key: "FinalReport", value: assignment.value,
                            reason: "is for a cadence that writes a report (Kind=evaluation, or Report=); "
                                + "this one writes none"))
                } else if finalReport?.nextElapse(after: reference, localZone: zone) == nil {
                    errors.append(
                        .badValue(
                            assignment.location, key: "FinalReport", value: assignment.value,
                            reason:
                                "never elapses after \(reference.formatted(.iso8601)); no final report would be written"
                        ))
                }
            } catch {
                errors.append(
                    .badValue(
                        assignment.location, key: "FinalReport", value: assignment.value,
                        reason: "is not a calendar expression: \(error)"))
            }
        }

        var units: Set<UnitKind>?
        if let assignments = ini.list("Cadence", "Units"), let last = assignments.last, !last.value.isEmpty {
            if let kind, !kind.requiresRecord {
                errors.append(
                    .badValue(
                        last.location, key: "Units", value: last.value,
                        reason: "is for a duty recorded per unit (Kind=review, inspection, appraisal or "
                            + "evaluation); Kind=\(kind.rawValue) is owed by nobody in particular"))
            }
            var kinds: Set<UnitKind> = []
            var words = 0
            for assignment in assignments {
                for word in assignment.value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }) {
                    words += 1
                    if let unitKind = UnitKind(rawValue: String(word)) {
                        kinds.insert(unitKind)
                    } else {
                        errors.append(
                            .badValue(
                                assignment.location, key: "Units", value: assignment.value,
                                reason: "names '\(word)', which is not a kind of unit (\(UnitKind.names))"))
                    }
                }
            }
            if words == 0 {
                errors.append(
                    .badValue(
                        last.location, key: "Units", value: last.value,
                        reason: "names no kind of unit (leave it out for every unit with a parent)"))
            }
            units = kinds
        }

        /// A number of working days after the commitment call (`PublishWithinDays=`, `RecordWithinDays=`).
        func callDays(_ key: String) -> Int? {
            guard let assignment = ini.last("Cadence", key), !assignment.value.isEmpty else { return nil }
            if let kind, kind != .commitment {
                errors.append(
                    .badValue(
                        assignment.location, key: key, value: assignment.value,
                        reason: "is for the commitment call (Kind=commitment), not Kind=\(kind.rawValue)"))
            } else if let days = Int(assignment.value), (1...250).contains(days) {
                return days
            } else {
                errors.append(
                    .badValue(
                        assignment.location, key: key, value: assignment.value,
                        reason: "is not a number of working days between 1 and 250"))
            }
            return nil
        }
        let publishWithin = callDays("PublishWithinDays")
        let recordWithin = callDays("RecordWithinDays")

        try ConfigurationError.throwIfAny(errors)
        var cadence = Cadence(
            name: name, expressions: expressions, kind: kind!, period: period, workingDay: shift,
            description: description, warnings: warnings)
        cadence.reports = reports
        cadence.finalReport = finalReport
        cadence.units = units
        cadence.anchors = anchors
        cadence.publishWithinDays = publishWithin
        cadence.recordWithinDays = recordWithin
        cadence.warnings += cadence.periodWarnings(ini: ini, reference: reference, zone: zone)
        return cadence
    }

    /// Warnings for expressions that elapse more than once in one period, where only the first counts.
    private func periodWarnings(ini: IniConfiguration, reference: Date, zone: TimeZone) -> [String] {
        guard period != .occurrence else { return [] }
        let lines = ini.list("Cadence", "OnCalendar") ?? []
        var warnings: [String] = []
        for (expression, assignment) in zip(expressions, lines) {
            var seen: Set<PeriodKey> = []
            var cursor = reference
            for _ in 0..<24 {
                guard let elapse = expression.nextElapse(after: cursor, localZone: zone) else { break }
                cursor = elapse
                if !seen.insert(PeriodKey(period, instant: elapse, zone: zone)).inserted {
                    warnings.append(
                        "\(assignment.location): OnCalendar= '\(assignment.value)' elapses more than once per "
                            + "\(period.rawValue); only the first elapse in each \(period.rawValue) fires")
                    break
                }
            }
        }
        return warnings
    }
}
