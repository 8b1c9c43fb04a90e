/// One routing rule of the office (`routes.d/NAME.route`): notices of these kinds, about these
/// units and their sub-units, go also to these people, in addition to those each kind reaches by
/// default (a 通报 circulated to every county bureau's liaison, escalations copied to the
/// inspection office). A rule adds receivers; it never takes the default ones away.
public struct NoticeRoute: Sendable, Equatable {
    /// Who a rule names.
    public enum Receiver: Sendable, Equatable, CustomStringConvertible {
        /// A person of the directory, by id or by a name only one person has.
        case person(String)
        /// `@ROLE`: the holder of the role in the notice's unit (each unit a notice names).
        case role(UnitRole)
        /// `@parent:ROLE`: the holder of the role in the parent of the notice's unit.
        case parentRole(UnitRole)
        /// `@KIND:ROLE`: the holder of the role in every unit of that kind (a circulation list).
        case everyUnit(UnitKind, UnitRole)

        /// As written in `To=` and kept in the ledger.
        public var description: String {
            switch self {
            case .person(let person): person
            case .role(let role): "@" + role.rawValue
            case .parentRole(let role): "@parent:" + role.rawValue
            case .everyUnit(let kind, let role): "@\(kind.rawValue):\(role.rawValue)"
            }
        }

        /// A word of `To=`, or the reason it is none.
        public static func parse(_ word: String) -> Result<Receiver, ReceiverError> {
            guard word.hasPrefix("@") else { return .success(.person(word)) }
            let parts = word.dropFirst().split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard let roleName = parts.last, let role = UnitRole(rawValue: roleName) else {
                return .failure(.init(reason: "does not end in a role (" + UnitRole.names + ")"))
            }
            switch parts.count {
            case 1: return .success(.role(role))
            case 2 where parts[0] == "parent": return .success(.parentRole(role))
            case 2:
                guard let kind = UnitKind(rawValue: parts[0]) else {
                    return .failure(
                        .init(reason: "names no kind of unit ('parent', or one of: \(UnitKind.names))"))
                }
                return .success(.everyUnit(kind, role))
            default: return .failure(.init(reason: "is not @ROLE, @parent:ROLE or @KIND:ROLE"))
            }
        }
    }

    public struct ReceiverError: Error, Sendable { public var reason: String }

    /// The file's name without `.route`.
    public var name: String
    /// `Description=`: what the rule is for, as the office says it.
    public var description: String?
    /// `Kinds=`: the kinds of notice it routes (required).
    public var kinds: [NoticeKind]
    /// `Units=`: notices about these units and their sub-units; empty: every notice of the kinds.
    public var units: [String]
    /// `Levels=`: escalations of these levels only (circular, talk); empty: every level.
    public var levels: [EscalationLevel] = []
    /// `Cadences=`: notices of these cadences only; empty: of every cadence, and about none.
    public var cadences: [String] = []
    /// `To=`: the receivers it adds (required).
    public var receivers: [Receiver]

    public init(
        name: String, description: String? = nil, kinds: [NoticeKind], units: [String] = [], receivers: [Receiver]
    ) {
        (self.name, self.description, self.kinds, self.units, self.receivers) = (
            name, description, kinds, units, receivers
        )
    }

    /// Whether a notice of `kind` about `units` (each with its parent chain, nearest first) takes
    /// this rule. A notice about no unit takes only a rule without `Units=`.
    public func takes(kind: NoticeKind, level: EscalationLevel? = nil, cadence: String? = nil, unitChains: [[String]])
        -> Bool
    {
        guard kinds.contains(kind) else { return false }
        if !levels.isEmpty, kind == .escalation, !levels.contains(where: { $0 == level }) { return false }
        if !cadences.isEmpty, !cadences.contains(where: { $0 == cadence }) { return false }
        if units.isEmpty { return true }
        return unitChains.contains { chain in chain.contains { units.contains($0) } }
    }

    static let schema = IniSchema([
        "Route": [
            "Description": .single, "Kinds": .list, "Units": .list, "Levels": .list, "Cadences": .list, "To": .list,
        ]
    ])

    /// Parses one route file, reporting every error with `file:line`.
    public static func parse(name: String, source: IniSource) throws(ConfigurationError) -> NoticeRoute {
        let ini = try IniParser.parse(main: source, dropIns: [])
        var errors = ini.unknownNames(schema: schema)
        var route = NoticeRoute(name: name, kinds: [], receivers: [])
        let start = ini.sectionHeaders.first?.location ?? SourceLocation(file: source.fileName, line: 1)
        if let description = ini.last("Route", "Description"), !description.value.isEmpty {
            route.description = description.value
        }
        let forPeople = NoticeKind.allCases.filter { !NoticeKind.notForPeople.contains($0) }
        for assignment in ini.list("Route", "Kinds") ?? [] {
            for word in assignment.value.split(separator: " ").map(String.init) {
                if let kind = NoticeKind(rawValue: word), forPeople.contains(kind) {
                    if !route.kinds.contains(kind) { route.kinds.append(kind) }
                } else {
                    errors.append(
                        .badValue(
                            assignment.location, key: "Kinds", value: word,
                            reason: "is not one of: " + forPeople.map(\.rawValue).joined(separator: ", ")))
                }
            }
        }
        for assignment in ini.list("Route", "Units") ?? [] {
            for unit in assignment.value.split(separator: " ").map(String.init) {
                if unit.contains("/") || unit.hasPrefix("@") {
                    errors.append(.badValue(assignment.location, key: "Units", value: unit, reason: "is not a unit id"))
                } else if !route.units.contains(unit) {
                    route.units.append(unit)
                }
            }
        }
        for assignment in ini.list("Route", "Levels") ?? [] {
            for word in assignment.value.split(separator: " ").map(String.init) {
                if let level = EscalationLevel(rawValue: word), level != .accountability {
                    if !route.levels.contains(level) { route.levels.append(level) }
                } else {
                    errors.append(
                        .badValue(
                            assignment.location, key: "Levels", value: word,
                            reason: "is not a level of escalation (circular, talk; accountability is a kind of its own)"
                        ))
                }
            }
        }
        for assignment in ini.list("Route", "Cadences") ?? [] {
            for name in assignment.value.split(separator: " ").map(String.init) {
                if DaemonConfiguration.isSafeName(name) {
                    if !route.cadences.contains(name) { route.cadences.append(name) }
                } else {
                    errors.append(
                        .badValue(assignment.location, key: "Cadences", value: name, reason: "is not a cadence's name"))
                }
            }
        }
        for assignment in ini.list("Route", "To") ?? [] {
            for word in assignment.value.split(separator: " ").map(String.init) {
                switch Receiver.parse(word) {
                case .success(let receiver): if !route.receivers.contains(receiver) { route.receivers.append(receiver) }
                case .failure(let error):
                    errors.append(.badValue(assignment.location, key: "To", value: word, reason: error.reason))
                }
            }
        }
        if route.kinds.isEmpty && !errors.contains(where: { "\($0)".contains("Kinds=") }) {
            errors.append(.invalid(start, reason: "Kinds= is missing: the kinds of notice this rule routes"))
        }
        if route.receivers.isEmpty && !errors.contains(where: { "\($0)".contains("To=") }) {
            errors.append(
                .invalid(start, reason: "To= is missing: persons, @ROLE, @parent:ROLE or @KIND:ROLE to send them to"))
        }
        try ConfigurationError.throwIfAny(errors)
        return route
    }
}
