import Foundation

/// A count out of a count, such as 27 commitments fulfilled out of 30 made.
public struct Ratio: Sendable, Equatable {
    public var part: Int
    public var whole: Int

    public init(_ part: Int, of whole: Int) {
        self.part = part
        self.whole = whole
    }

    /// The ratio, or nil when the whole is zero (nothing to judge).
    public var value: Double? { whole > 0 ? Double(part) / Double(whole) : nil }

    /// `92.5%`, or `—` when there is nothing to judge.
    public var percentText: String {
        guard let value else { return "—" }
        return EvaluationNumber.decimal(value * 100) + "%"
    }
}

/// Rates, scores and the ranking of an evaluation, computed from its figures (pure).
///
/// The ranking rule (stated on every report):
/// score = 100 × Σ wᵢ·rᵢ ÷ Σ wᵢ over the components a unit has something to judge in:
/// commitment fulfilment (fulfilled ÷ made, weight 30), duties held (reviews, inspections,
/// appraisals and evaluations held ÷ due, weight 25), information-report months (months at
/// quota ÷ months judged, weight 15), rectification timeliness (closed on time ÷ (closed +
/// overdue), weight 30), campaign plans (deliverables handed in on time and yearly counts and
/// ranges within their bounds ÷ those judged, weight 15). A unit with an item that reached accountability (责任追究) by the instant
/// ranks after every unit without one, whatever its score. Units are ranked by score rounded to 0.1, higher first; ties go to
/// fewer overdue items, then to the unit id in alphabetical order. Only units under another unit
/// and still in the tree are ranked (the top of the tree is the evaluating body), and only when
/// they have something to judge; the others are listed after them by id.
public struct EvaluationAssessment: Sendable {
    /// The components of the score, in the order they are summed.
    public enum Component: String, CaseIterable, Sendable {
        case commitments, duties, quota, rectification, plan

        public var weight: Int {
            switch self {
            case .commitments: 30
            case .duties: 25
            case .quota: 15
            case .rectification: 30
            case .plan: 15
            }
        }
    }

    /// One unit with its component ratios, score and rank.
    public struct Line: Sendable, Equatable {
        public var unit: UnitFigures
        public var components: [Component: Ratio]
        /// 0–100, nil when the unit has nothing to judge.
        public var score: Double?
        /// 1-based; nil when not ranked (nothing to judge, or a ledger checkpoint).
        public var rank: Int?

        /// The score in tenths, as shown and as ranked.
        public var scoreTenths: Int? { score.map { Int(($0 * 10).rounded()) } }
    }

    public var figures: EvaluationFigures
    /// Ranked units first (by rank), then the others by id; for ledger checkpoints, all by id.
    public var lines: [Line]

    public init(_ figures: EvaluationFigures) {
        self.figures = figures
        var lines = figures.units.map { unit in
            let components = Self.components(unit)
            return Line(unit: unit, components: components, score: Self.score(components), rank: nil)
        }
        if !figures.window.variant.isLedgerCheckpoint {
            func key(_ line: Line) -> Int? { line.unit.isRanked ? line.scoreTenths : nil }
            lines.sort { a, b in
                switch (key(a), key(b)) {
                case (let x?, let y?):
                    // A unit with an item at accountability ranks after every unit without one.
                    let (pa, pb) = (a.unit.items.accountability > 0, b.unit.items.accountability > 0)
                    if pa != pb { return pb }
                    if x != y { return x > y }
                    if a.unit.items.overdue != b.unit.items.overdue {
                        return a.unit.items.overdue < b.unit.items.overdue
                    }
                    return a.unit.id < b.unit.id
                case (.some, nil): return true
                case (nil, .some): return false
                case (nil, nil): return a.unit.id < b.unit.id
                }
            }
            for index in lines.indices where key(lines[index]) != nil { lines[index].rank = index + 1 }
        }
        self.lines = lines
    }

    /// The ratios a unit is judged on; a component with nothing to judge is left out.
    public static func components(_ unit: UnitFigures) -> [Component: Ratio] {
        var out: [Component: Ratio] = [:]
        let c = unit.commitments
        if c.made > 0 { out[.commitments] = Ratio(c.fulfilled, of: c.made) }
        let due = unit.duties.reduce(0) { $0 + $1.due }
        if due > 0 { out[.duties] = Ratio(unit.duties.reduce(0) { $0 + $1.held }, of: due) }
        let months = unit.quotaMonths
        if months.due > 0 { out[.quota] = Ratio(months.met, of: months.due) }
        let items = unit.items
        if items.closed + items.overdue > 0 {
            out[.rectification] = Ratio(items.closedOnTime, of: items.closed + items.overdue)
        }
        if unit.planTasks.due > 0 { out[.plan] = Ratio(unit.planTasks.met, of: unit.planTasks.due) }
        return out
    }

    /// 100 × Σ wᵢ·rᵢ ÷ Σ wᵢ over the components present, summed in ``Component`` order.
    public static func score(_ components: [Component: Ratio]) -> Double? {
        var weighted = 0.0
        var weights = 0
        for component in Component.allCases {
            guard let value = components[component]?.value else { continue }
            weighted += Double(component.weight) * value
            weights += component.weight
        }
        return weights > 0 ? 100 * weighted / Double(weights) : nil
    }

    // MARK: - Totals and the rates of R12

    /// The items of all units covered, added up.
    public var items: ItemCounts { figures.units.reduce(ItemCounts()) { $0 + $1.items } }

    public var commitments: CommitmentCounts {
        figures.units.reduce(into: CommitmentCounts()) { total, unit in
            total.made += unit.commitments.made
            total.fulfilled += unit.commitments.fulfilled
            total.partial += unit.commitments.partial
            total.unfulfilled += unit.commitments.unfulfilled
        }
    }

    public func duty(_ kind: CadenceKind) -> DutyCounts {
        figures.units.reduce(into: DutyCounts(kind: kind)) { total, unit in
            let d = unit.duty(kind)
            total.due += d.due
            total.held += d.held
            total.heldLate += d.heldLate
        }
    }

    public var quotaMonths: Ratio {
        let (due, met) = figures.units.reduce(into: (0, 0)) { total, unit in
            let months = unit.quotaMonths
            total.0 += months.due
            total.1 += months.met
        }
        return Ratio(met, of: due)
    }

    /// A rate of R12 (or a related one) with its target; `ratio` nil when the ledger does not
    /// record what it needs.
    public struct Rate: Sendable, Equatable {
        public var key: String
        public var ratio: Ratio?
        /// The target as a fraction, and whether it is "at least" (≥) or "more than" (>).
        public var target: Double?
        public var strictTarget: Bool

        /// True or false against the target; nil when not computable, nothing to judge, or no target.
        public var meetsTarget: Bool? {
            guard let value = ratio?.value, let target else { return nil }
            return strictTarget ? value > target : value >= target - 1e-12
        }
    }

    /// The rates, in report order: R12's (the campaign's targets 100 % / 100 % / > 95 % / ≥ 95 % /
    /// 100 % / 100 %, or the office's, ``EvaluationFigures/targets``) and the related ones the ledger
    /// records.
    /// Complaints answered by their reply deadline ÷ those whose deadline came or that were
    /// answered; nil (not recorded) when no complaint in the ledger has a reply deadline.
    var complaintReplies: Ratio? {
        let counts = figures.bySource[ItemSource.complaint.rawValue] ?? SourceCounts()
        return counts.replyDue == 0 ? nil : Ratio(counts.repliedOnTime, of: counts.replyDue)
    }

    public var rates: [Rate] {
        let items = self.items
        let c = commitments
        func source(_ name: ItemSource) -> Ratio {
            let counts = figures.bySource[name.rawValue] ?? SourceCounts()
            return Ratio(counts.closed, of: counts.onLedger)
        }
        func duty(_ kind: CadenceKind) -> Ratio {
            let d = self.duty(kind)
            return Ratio(d.held, of: d.due)
        }
        let ratios: [String: Ratio?] = [
            "fulfilment": Ratio(c.fulfilled, of: c.made), "appraisal-coverage": duty(.appraisal),
            "member-appraisal-coverage": figures.appraisals.members.map {
                Ratio(figures.appraisals.membersAppraised ?? 0, of: $0)
            },
            "satisfaction": figures.appraisals.formsReturned.map { Ratio(figures.appraisals.satisfied ?? 0, of: $0) },
            "complaint-reply": complaintReplies, "complaint-closure": source(.complaint),
            "petition-closure": source(.petition), "hazard-rectification": source(.hazardSweep),
            "rectification": Ratio(items.closed, of: items.onLedger),
            "on-time-closure": Ratio(items.closedOnTime, of: items.closed), "review-held": duty(.review),
            "inspection-held": duty(.inspection), "evaluation-held": duty(.evaluation), "quota-months": quotaMonths,
        ]
        return RateTarget.campaign.map { key, campaign in
            let target = figures.targets[key] ?? campaign
            return Rate(key: key, ratio: ratios[key] ?? nil, target: target.value, strictTarget: target.strict)
        }
    }
}

/// Numbers as the reports write them.
public enum EvaluationNumber {
    /// One decimal, rounded half away from zero: `92.5`, `100.0`.
    public static func decimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        return "\(sign)\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }
}
