/// A campaign plan (`plans.d/NAME.plan`, DOMAIN.md R5, R6): its phases with their date ranges,
/// and the deliverables due once. The office writes the plan as its document gives it:
///
/// ```ini
/// [Plan]
/// Description=镜湖区医院创先争优活动
///
/// [Phase 设岗定诺]
/// Start=2011-10中旬
/// End=2011-10中旬
///
/// [Deliverable 实施方案上报]
/// Phase=设岗定诺
/// Due=2011-10-20
/// ```
///
/// Each phase's start and end are announced (`phase-start`, `phase-end`), the start with what is
/// due in the phase, the end with what was; phases may cross the year.
public struct CampaignPlan: Sendable, Equatable {
    public struct Phase: Sendable, Equatable {
        public var name: String
        public var description: String?
        public var start: PlanDate
        public var end: PlanDate
    }

    public struct Deliverable: Sendable, Equatable {
        public var name: String
        public var description: String?
        /// The phase it belongs to, by name (nil: the plan's).
        public var phase: String?
        public var due: PlanDate
        /// `Units=`: the kinds of unit that owe it; empty: every unit under the top.
        public var unitKinds: [UnitKind]
    }

    /// The file's name without `.plan`.
    public var name: String
    /// `Description=` of `[Plan]`: what the office calls the campaign; the name when not given.
    public var description: String
    /// In the order of their start (then of the file).
    public var phases: [Phase]
    public var deliverables: [Deliverable]
    /// `[Quota NAME]` and `[Range NAME]`, in the order of the file.
    public var counts: [CountRule]
    /// `[Group NAME]`: inspection groups and their zones, in the order of the file.
    public var groups: [InspectionGroup]

    public init(
        name: String, description: String? = nil, phases: [Phase] = [], deliverables: [Deliverable] = [],
        counts: [CountRule] = [], groups: [InspectionGroup] = []
    ) {
        self.name = name
        self.description = description ?? name
        self.phases = phases
        self.deliverables = deliverables
        self.counts = counts
        self.groups = groups
    }

    /// The last day any phase or deliverable of the plan reaches.
    public var lastDay: LocalDate? {
        (phases.map(\.end.last) + deliverables.map(\.due.last)).max()
    }

    /// The phase `day` falls in (the last started, when phases overlap), or nil.
    public func phase(on day: LocalDate) -> Phase? {
        phases.last { $0.start.first <= day && day <= $0.end.last }
    }

    /// The deliverables of `phase`, by their due day.
    public func deliverables(of phase: String) -> [Deliverable] {
        deliverables.filter { $0.phase == phase }.sorted { $0.due.last < $1.due.last }
    }

    // MARK: - Events

    /// One thing the plan announces: a phase's start (its first day, at midnight) or its end (the
    /// midnight after its last day).
    public struct Event: Sendable, Equatable {
        public enum Kind: String, Sendable { case start, end }
        public var kind: Kind
        public var phase: Phase
        /// The day it is announced on: the phase's first day, or the day after its last.
        public var day: LocalDate
        /// Unique for ever in the ledger: `plan/NAME/PHASE/start`.
        public var key: String
    }

    /// Every phase start and end, in time order.
    public var events: [Event] {
        phases.flatMap { phase in
            [
                Event(kind: .start, phase: phase, day: phase.start.first, key: "plan/\(name)/\(phase.name)/start"),
                Event(
                    kind: .end, phase: phase, day: phase.end.last.adding(days: 1), key: "plan/\(name)/\(phase.name)/end"
                ),
            ]
        }.sorted { ($0.day, $0.kind == .end ? 0 : 1) < ($1.day, $1.kind == .end ? 0 : 1) }
    }

    // MARK: - Parsing

    /// Parses one plan file, reporting every error with `file:line`.
    public static func parse(name: String, source: IniSource) throws(ConfigurationError) -> CampaignPlan {
        let ini = try IniParser.parse(main: source, dropIns: [])
        var errors: [ConfigurationError] = []
        var plan = CampaignPlan(name: name)
        let fileStart = SourceLocation(file: source.fileName, line: 1)
        func section(_ header: String) -> (kind: String, name: String)? {
            for kind in ["Phase", "Deliverable", "Quota", "Range", "Group"] where header.hasPrefix(kind + " ") {
                let name = String(header.dropFirst(kind.count + 1)).trimmingWhitespace()
                return name.isEmpty ? nil : (kind, name)
            }
            return nil
        }
        let keys: [String: Set<String>] = [
            "Plan": ["Description"], "Phase": ["Description", "Start", "End"],
            "Deliverable": ["Description", "Phase", "Due", "Units"],
            "Quota": ["Description", "Count", "Year", "CheckOn"],
            "Range": ["Description", "Count", "Role", "Leaders", "CheckOn"],
            "Group": ["Description", "Leader", "Members", "Zone", "Visits", "Every"],
        ]
        var order: [(kind: String, name: String, location: SourceLocation)] = []
        for header in ini.sectionHeaders {
            if header.name == "Plan" { continue }
            guard let (kind, name) = section(header.name) else {
                errors.append(.unknownSection(header.location, section: header.name))
                continue
            }
            if order.contains(where: { $0.kind == kind && $0.name == name }) {
                errors.append(
                    .invalid(
                        header.location,
                        reason: "[\(header.name)] is named twice in this plan (each \(kind.lowercased()) once)"))
                continue
            }
            order.append((kind, name, header.location))
        }
        for assignment in ini.assignments {
            let kind = assignment.section == "Plan" ? "Plan" : section(assignment.section)?.kind
            guard let kind, keys[kind]?.contains(assignment.key) == true else {
                if kind != nil {
                    errors.append(.unknownKey(assignment.location, section: assignment.section, key: assignment.key))
                }
                continue
            }
        }
        if let description = ini.last("Plan", "Description"), !description.value.isEmpty {
            plan.description = description.value
        }
        func date(_ header: String, _ key: String, at location: SourceLocation) -> PlanDate? {
            guard let assignment = ini.last(header, key) else {
                errors.append(.missingKey(location, section: header, key: key))
                return nil
            }
            guard let date = PlanDate(assignment.value) else {
                errors.append(
                    .badValue(
                        assignment.location, key: key, value: assignment.value, reason: "is not " + PlanDate.shapes))
                return nil
            }
            return date
        }
        for entry in order where entry.kind == "Phase" {
            let header = "Phase " + entry.name
            guard let start = date(header, "Start", at: entry.location),
                let end = date(header, "End", at: entry.location)
            else { continue }
            guard start.first <= end.last else {
                errors.append(
                    .badValue(
                        ini.last(header, "End")!.location, key: "End", value: end.text,
                        reason: "is before the phase's start (\(start.text))"))
                continue
            }
            plan.phases.append(
                Phase(
                    name: entry.name, description: ini.last(header, "Description")?.value.nonEmpty, start: start,
                    end: end))
        }
        plan.phases = plan.phases.enumerated().sorted {
            ($0.element.start.first, $0.offset) < ($1.element.start.first, $1.offset)
        }
        .map(\.element)
        for entry in order where entry.kind == "Deliverable" {
            let header = "Deliverable " + entry.name
            let due = date(header, "Due", at: entry.location)
            var owner: Phase?
            if let phase = ini.last(header, "Phase"), !phase.value.isEmpty {
                owner = plan.phases.first { $0.name == phase.value }
                // A phase with errors of its own has them reported at its lines.
                if owner == nil && !order.contains(where: { $0.kind == "Phase" && $0.name == phase.value }) {
                    errors.append(
                        .badValue(
                            phase.location, key: "Phase", value: phase.value,
                            reason: "names no phase of this plan ("
                                + plan.phases.map(\.name).joined(separator: ", ") + ")"))
                }
            }
            let kinds: [UnitKind] = vocabulary(ini, header, "Units", "a kind of unit", &errors)
            guard let due else { continue }
            if let owner, due.last < owner.start.first || due.last > owner.end.last {
                errors.append(
                    .badValue(
                        ini.last(header, "Due")!.location, key: "Due", value: due.text,
                        reason: "is outside its phase \(owner.name) (\(owner.start.text) – \(owner.end.text))"))
                continue
            }
            let deliverable = Deliverable(
                name: entry.name, description: ini.last(header, "Description")?.value.nonEmpty, phase: owner?.name,
                due: due, unitKinds: kinds)
            plan.deliverables.append(deliverable)
        }
        for entry in order where entry.kind == "Quota" || entry.kind == "Range" {
            let kind: CountRule.Kind = entry.kind == "Quota" ? .quota : .range
            if let rule = countRule(kind, entry.name, ini: ini, at: entry.location, year: plan.lastDay?.year, &errors) {
                plan.counts.append(rule)
            }
        }
        var zoned: [String: String] = [:]
        for entry in order where entry.kind == "Group" {
            if let group = group(entry.name, ini: ini, at: entry.location, zoned: &zoned, &errors) {
                plan.groups.append(group)
            }
        }
        if plan.phases.isEmpty && plan.deliverables.isEmpty && plan.counts.isEmpty && plan.groups.isEmpty
            && errors.isEmpty
        {
            errors.append(
                .invalid(
                    fileStart,
                    reason: "a plan needs at least one [Phase NAME], [Deliverable NAME], [Quota NAME], [Range NAME] "
                        + "or [Group NAME] section"))
        }
        try ConfigurationError.throwIfAny(errors)
        return plan
    }
}

extension CampaignPlan {
    /// The values a list key names (`Units=county city-direct`), each once, in the order given; a
    /// word that names none is an error at its line: "is not WHAT (the names)".
    static func vocabulary<Value: Vocabulary & Equatable>(
        _ ini: IniConfiguration, _ header: String, _ key: String, _ what: String, _ errors: inout [ConfigurationError]
    ) -> [Value] {
        var values: [Value] = []
        for assignment in ini.list(header, key) ?? [] {
            for word in assignment.value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) {
                guard let value = Value(rawValue: word) else {
                    errors.append(
                        .badValue(
                            assignment.location, key: key, value: word, reason: "is not \(what) (\(Value.names))"))
                    continue
                }
                if !values.contains(value) { values.append(value) }
            }
        }
        return values
    }
}

extension String {
    /// Nil when empty.
    var nonEmpty: String? { isEmpty ? nil : self }
}
