/// An inspection group (督查组) of a plan and its zone (责任区): the units it covers, so that its
/// visits can be checked zone by zone (DOMAIN.md R14).
///
/// ```ini
/// [Group 第一督查组]
/// Leader=p-sun
/// Members=p-qian p-zhou
/// Zone=county-a county-b county-c
/// Visits=inspection
/// Every=half-year
/// ```
public struct InspectionGroup: Sendable, Equatable {
    public var name: String
    public var description: String?
    /// `Leader=`: a person of the directory (id) or a name as typed.
    public var leader: String?
    /// `Members=`, in the order given.
    public var members: [String]
    /// `Zone=`: the units it covers, by id, in the order given; a unit is in one group's zone.
    public var zone: [String]
    /// `Visits=`: the kinds of record that count as a visit (default: inspection).
    public var visits: [ReviewKind]
    /// `Every=`: each unit of the zone is visited once in each such period (default: half-year).
    public var every: CadencePeriod

    public init(
        name: String, description: String? = nil, leader: String? = nil, members: [String] = [], zone: [String],
        visits: [ReviewKind] = [.inspection], every: CadencePeriod = .halfYear
    ) {
        (self.name, self.description, self.leader, self.members) = (name, description, leader, members)
        (self.zone, self.visits, self.every) = (zone, visits, every)
    }

    /// Which units of the zone had a visit in the period of `every` containing `day`, given the
    /// records (unit, kind, day held): the number of visits of each unit, zero for those without.
    public func visitCounts(on day: LocalDate, records: [(unit: String, kind: ReviewKind, heldOn: LocalDate)])
        -> [(unit: String, visits: Int)]
    {
        let period = PeriodKey(every, date: day)
        var counts: [String: Int] = [:]
        for record in records
        where visits.contains(record.kind) && PeriodKey(every, date: record.heldOn) == period && record.heldOn <= day {
            counts[record.unit, default: 0] += 1
        }
        return zone.map { ($0, counts[$0] ?? 0) }
    }
}

extension CampaignPlan {
    /// Parses a `[Group NAME]` section; `zoned` holds the units already in an earlier group's zone
    /// (a unit is in one zone). Errors are added to `errors` with their line; nil when it has any.
    static func group(
        _ name: String, ini: IniConfiguration, at location: SourceLocation, zoned: inout [String: String],
        _ errors: inout [ConfigurationError]
    ) -> InspectionGroup? {
        let header = "Group " + name
        let before = errors.count
        func words(_ key: String) -> [(word: String, assignment: IniAssignment)] {
            (ini.list(header, key) ?? []).flatMap { assignment in
                assignment.value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { (String($0), assignment) }
            }
        }
        var zone: [String] = []
        for (unit, assignment) in words("Zone") where !zone.contains(unit) {
            if let other = zoned[unit], other != name {
                errors.append(
                    .badValue(
                        assignment.location, key: "Zone", value: unit,
                        reason: "is already in the zone of \(other) (a unit is in one group's zone)"))
                continue
            }
            zoned[unit] = name
            zone.append(unit)
        }
        if zone.isEmpty && errors.count == before {
            errors.append(.missingKey(location, section: header, key: "Zone"))
        }
        let visits: [ReviewKind] = vocabulary(ini, header, "Visits", "a kind of record", &errors)
        var every = CadencePeriod.halfYear
        if let assignment = ini.last(header, "Every"), !assignment.value.isEmpty {
            guard let period = CadencePeriod(rawValue: assignment.value), period != .occurrence else {
                errors.append(
                    .badValue(
                        assignment.location, key: "Every", value: assignment.value,
                        reason: "is not a period (month, quarter, half-year, year)"))
                return nil
            }
            every = period
        }
        var members: [String] = []
        for (person, _) in words("Members") where !members.contains(person) { members.append(person) }
        guard errors.count == before else { return nil }
        return InspectionGroup(
            name: name, description: ini.last(header, "Description")?.value.nonEmpty,
            leader: ini.last(header, "Leader")?.value.nonEmpty, members: members, zone: zone,
            visits: visits.isEmpty ? [.inspection] : visits, every: every)
    }
}
