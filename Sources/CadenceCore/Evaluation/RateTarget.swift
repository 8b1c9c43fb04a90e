/// A rate's target in an evaluation (DOMAIN.md R12): at least (`≥ 95%`) or more than (`> 95%`) a
/// fraction, or none. The campaign's are the defaults; an office sets its own with
/// `[Evaluation] Target=KEY VALUE` in `cadenced.conf`.
public struct RateTarget: Sendable, Equatable, CustomStringConvertible {
    /// The fraction (0.95); nil: no target.
    public var value: Double?
    /// "More than" rather than "at least".
    public var strict: Bool

    public init(_ value: Double?, strict: Bool = false) {
        (self.value, self.strict) = (value, strict)
    }

    /// Parses `100%`, `95%`, `≥95%`, `>=95%`, `>95%` (a percentage from 0 to 100, `%` optional, one
    /// decimal at most) or `none`; nil when it is none of these.
    public init?(_ text: String) {
        var body = PlainText.trimmingSpaces(text)
        if body == "none" {
            self.init(nil)
            return
        }
        var strict = false
        for prefix in [">=", "≥", ">"] where body.hasPrefix(prefix) {
            strict = prefix == ">"
            body = PlainText.trimmingSpaces(body.dropFirst(prefix.count))
            break
        }
        if body.hasSuffix("%") { body = String(body.dropLast()) }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) }),
            parts.count == 1 || parts[1].count == 1, let percent = Double(body), (0...100).contains(percent),
            !(strict && percent == 100)
        else { return nil }
        self.init(percent / 100, strict: strict)
    }

    /// `≥ 95%`, `> 95%`, `100%`, `none`.
    public var description: String {
        guard let value else { return "none" }
        let tenths = Int((value * 1000).rounded())
        let number = tenths % 10 == 0 ? "\(tenths / 10)" : EvaluationNumber.decimal(Double(tenths) / 10)
        return (strict ? "> " : value < 1 ? "≥ " : "") + number + "%"
    }

    /// The campaign's targets (DOMAIN.md R12: 100 % fulfilment, 100 % coverage of organisations and
    /// members, > 95 % satisfaction, ≥ 95 % complaint replies and closure, 100 % petitions and
    /// hazards), by rate key; the rates not named have none.
    public static let campaign: [(key: String, target: RateTarget)] = [
        ("fulfilment", RateTarget(1)), ("appraisal-coverage", RateTarget(1)),
        ("member-appraisal-coverage", RateTarget(1)), ("satisfaction", RateTarget(0.95, strict: true)),
        ("complaint-reply", RateTarget(0.95)), ("complaint-closure", RateTarget(0.95)),
        ("petition-closure", RateTarget(1)), ("hazard-rectification", RateTarget(1)), ("rectification", RateTarget(1)),
        ("on-time-closure", RateTarget(nil)), ("review-held", RateTarget(1)), ("inspection-held", RateTarget(1)),
        ("evaluation-held", RateTarget(1)), ("quota-months", RateTarget(1)),
    ]

    /// The rate keys a target may name, in report order.
    public static var keys: [String] { campaign.map(\.key) }
}
