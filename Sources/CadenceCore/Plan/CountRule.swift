/// How many a unit (or a person) must reach, or keep within: `3` is at least three, `1-2` one or
/// two (`1–2`, `1～2` and `1至2` are read alike; `1-1` is exactly one).
public struct CountBounds: Sendable, Hashable, CustomStringConvertible {
    public var minimum: Int
    /// Nil: no upper bound.
    public var maximum: Int?

    public init(minimum: Int, maximum: Int? = nil) {
        (self.minimum, self.maximum) = (minimum, maximum)
    }

    /// Parses `N` or `N-M`; nil when it is neither, or M < N, or M is 0.
    public init?(_ text: String) {
        let parts = PlainText.trimmingSpaces(text).split(
            omittingEmptySubsequences: false, whereSeparator: { "-–～~至".contains($0) })
        let numbers = parts.map { Int(PlainText.trimmingSpaces($0)) }
        guard (1...2).contains(numbers.count), let minimum = numbers[0], minimum >= 0 else { return nil }
        guard numbers.count == 2 else {
            self.init(minimum: minimum)
            return
        }
        guard let maximum = numbers[1], maximum >= max(minimum, 1) else { return nil }
        self.init(minimum: minimum, maximum: maximum)
    }

    public func contains(_ count: Int) -> Bool { count >= minimum && count <= (maximum ?? Int.max) }

    /// `1–2`, `3+`.
    public var description: String {
        guard let maximum else { return "\(minimum)+" }
        return maximum == minimum ? "\(minimum)" : "\(minimum)–\(maximum)"
    }

    /// In the office's words: 至少 3、1–2、恰好 1 / at least 3, 1–2, exactly 1.
    public func text(zh: Bool) -> String {
        guard let maximum else { return zh ? "至少 \(minimum)" : "at least \(minimum)" }
        if maximum == minimum { return zh ? "\(minimum)" : "exactly \(minimum)" }
        return "\(minimum)–\(maximum)"
    }
}

/// A count the plan sets (DOMAIN.md R10, R11): a yearly quota (`[Quota NAME]`: drills held,
/// exemplars named, training days, recorded as they happen and counted within the year), or a
/// range on the structure (`[Range NAME]`: demonstration sites per unit, recorded as designated;
/// or, with `Role=`, the units where each person holds a role, such as a leader's contact points).
public struct CountRule: Sendable, Equatable {
    public enum Kind: String, Sendable { case quota, range }

    /// The bounds for units of one kind (`Count=county-bureau 4-8`); a role count has one target
    /// without a kind (`Count=1-2`).
    public struct Target: Sendable, Equatable {
        public var kind: UnitKind?
        public var bounds: CountBounds
    }

    public var kind: Kind
    public var name: String
    public var description: String?
    public var targets: [Target]
    /// `Role=` of a range: each person's count is the number of units where they hold it.
    public var role: UnitRole?
    /// `Leaders=` of a role range: whoever holds one of these roles is counted even with none.
    public var leaders: [UnitRole]
    /// A quota's year (`Year=`, by default the year the plan ends in).
    public var year: Int?
    /// `CheckOn=`: the days, at their end, the count is checked; a quota is checked at the end of
    /// its year too.
    public var checkOn: [PlanDate]

    /// The bounds for units of `kind`, or for people when the rule counts a role.
    public func bounds(for kind: UnitKind?) -> CountBounds? {
        targets.first { $0.kind == kind }?.bounds
    }

    /// The days the rule is checked at their end, in order: the `CheckOn=` days, and for a quota
    /// the last day of its year.
    public var checkDays: [LocalDate] {
        var days = checkOn.map(\.last)
        if kind == .quota, let year, let end = LocalDate(year: year, month: 12, day: 31) { days.append(end) }
        return Array(Set(days)).sorted()
    }

    /// The first day counted at a check on `day`: a quota counts from the start of its year, a
    /// range everything recorded.
    public func countsFrom(checkingOn day: LocalDate) -> LocalDate? {
        guard kind == .quota, let year else { return nil }
        return LocalDate(year: year, month: 1, day: 1)
    }
}

/// What is counted for one rule: a unit (its records) or a person (the units where they hold the
/// rule's role).
public struct CountSubject: Sendable, Equatable {
    public var id: String
    public var name: String
    /// A unit's kind; nil for a person.
    public var kind: UnitKind?
    /// The unit the finding is addressed to: the unit itself, or the person's own unit.
    public var unit: String?

    public init(id: String, name: String, kind: UnitKind?, unit: String?) {
        (self.id, self.name, self.kind, self.unit) = (id, name, kind, unit)
    }
}

/// A subject outside its bounds: below the minimum (short of a quota) or above the maximum.
public struct CountFinding: Sendable, Equatable {
    public var subject: CountSubject
    public var count: Int
    public var bounds: CountBounds
    public var isBelow: Bool { count < bounds.minimum }
}

extension CountRule {
    /// The subjects outside their bounds, in the order given; subjects the rule sets no bounds for
    /// (units of other kinds) are not counted.
    public func findings(subjects: [CountSubject], counts: [String: Int]) -> [CountFinding] {
        subjects.compactMap { subject in
            guard let bounds = bounds(for: role == nil ? subject.kind : nil) else { return nil }
            let count = counts[subject.id] ?? 0
            return bounds.contains(count) ? nil : CountFinding(subject: subject, count: count, bounds: bounds)
        }
    }

    /// Whether a unit of `kind` is counted by this rule (records may be made for it).
    public func counts(unitKind kind: UnitKind?) -> Bool {
        role == nil && bounds(for: kind) != nil
    }
}
