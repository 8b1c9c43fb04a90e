extension CampaignPlan {
    /// Parses a `[Quota NAME]` or `[Range NAME]` section:
    ///
    /// ```ini
    /// [Quota 岗位练兵]
    /// Count=county-bureau 3
    /// Count=city-direct 1
    /// CheckOn=2011-11-30
    ///
    /// [Range 领导干部联系点]
    /// Role=contact-leader
    /// Leaders=group-leader group-deputy
    /// Count=1-2
    /// ```
    ///
    /// Errors are added to `errors` with their line; nil when the section has any.
    static func countRule(
        _ kind: CountRule.Kind, _ name: String, ini: IniConfiguration, at location: SourceLocation, year planYear: Int?,
        _ errors: inout [ConfigurationError]
    ) -> CountRule? {
        let header = (kind == .quota ? "Quota " : "Range ") + name
        let before = errors.count
        func bad(_ assignment: IniAssignment, _ value: String, _ reason: String) {
            errors.append(.badValue(assignment.location, key: assignment.key, value: value, reason: reason))
        }
        func roles(_ assignment: IniAssignment) -> [UnitRole] {
            assignment.value.split(separator: " ").compactMap { word in
                guard let role = UnitRole(rawValue: String(word)) else {
                    bad(assignment, String(word), "is not a role (\(UnitRole.names))")
                    return nil
                }
                return role
            }
        }
        var role: UnitRole?
        var leaders: [UnitRole] = []
        if kind == .range {
            if let assignment = ini.last(header, "Role"), !assignment.value.isEmpty {
                let named = roles(assignment)
                if named.count > 1 { bad(assignment, assignment.value, "names one role") }
                role = named.first
            }
            for assignment in ini.list(header, "Leaders") ?? [] { leaders += roles(assignment) }
            if role == nil, let assignment = ini.last(header, "Leaders"), !assignment.value.isEmpty {
                bad(assignment, assignment.value, "goes with Role= (the role whose units are counted)")
            }
        }
        var targets: [CountRule.Target] = []
        for assignment in ini.list(header, "Count") ?? [] {
            var words = assignment.value.split(separator: " ", maxSplits: 1).map(String.init)
            var unitKind: UnitKind?
            if role == nil {
                guard words.count == 2, let named = UnitKind(rawValue: words.removeFirst()) else {
                    bad(
                        assignment, assignment.value,
                        "is not a kind of unit and a count (county-bureau 3, district 1-2; kinds: \(UnitKind.names))")
                    continue
                }
                unitKind = named
            }
            guard words.count == 1, let bounds = CountBounds(words[0]) else {
                bad(
                    assignment, assignment.value,
                    role == nil
                        ? "is not a kind of unit and a count (3 for at least three, 1-2 for one or two)"
                        : "is not a count (3 for at least three, 1-2 for one or two): with Role= it names no kind")
                continue
            }
            if targets.contains(where: { $0.kind == unitKind }) {
                bad(assignment, assignment.value, "sets the count of \(unitKind?.rawValue ?? "each person") twice")
                continue
            }
            targets.append(CountRule.Target(kind: unitKind, bounds: bounds))
        }
        if targets.isEmpty && errors.count == before {
            errors.append(.missingKey(location, section: header, key: "Count"))
        }
        var year: Int?
        if kind == .quota {
            year = planYear
            if let assignment = ini.last(header, "Year") {
                if let value = Int(assignment.value), (1900...9999).contains(value) {
                    year = value
                } else {
                    bad(assignment, assignment.value, "is not a year (2011)")
                }
            }
            if year == nil && errors.count == before {
                errors.append(.missingKey(location, section: header, key: "Year"))
            }
        }
        var checkOn: [PlanDate] = []
        for assignment in ini.list(header, "CheckOn") ?? [] {
            guard let date = PlanDate(assignment.value) else {
                bad(assignment, assignment.value, "is not " + PlanDate.shapes)
                continue
            }
            if let year, date.last.year != year {
                bad(assignment, assignment.value, "is not in the quota's year \(year)")
                continue
            }
            checkOn.append(date)
        }
        guard errors.count == before else { return nil }
        return CountRule(
            kind: kind, name: name, description: ini.last(header, "Description")?.value.nonEmpty, targets: targets,
            role: role, leaders: leaders, year: year, checkOn: checkOn)
    }
}
