public import Foundation

/// What a person gives with a transition.
public struct TransitionDetails: Sendable, Equatable {
    /// A note on progress, the reason of a rejection or a reopening.
    public var note: String?
    /// Whom the caller verifies on behalf of: a name or `@ROLE` of the item's unit (resolved to the
    /// holder at that instant); nil when the caller verifies in person.
    public var by: String?
    /// The person of the authenticated caller (their account mapped to a name, else the account).
    public var verifier: String?
    /// Every other name the caller goes by (the account, the directory's person id).
    public var verifierAliases: [String] = []
    /// The new target of a deferral or a reopening.
    public var deadline: Date?
    /// That target as the date typed, when given as one.
    public var deadlineDate: String?
    /// A deferral's rectification plan and its public explanation.
    public var plan: String?
    public var explanation: String?
    /// The body an item is referred to.
    public var referredTo: String?

    public init(
        note: String? = nil, by: String? = nil, deadline: Date? = nil, plan: String? = nil, explanation: String? = nil,
        referredTo: String? = nil, deadlineDate: String? = nil, verifier: String? = nil
    ) {
        self.note = note
        self.by = by
        self.verifier = verifier
        self.deadline = deadline
        self.deadlineDate = deadlineDate
        self.plan = plan
        self.explanation = explanation
        self.referredTo = referredTo
    }
}

/// Why an item's lifecycle refuses a transition: a reason code programs act on, the parameter it
/// concerns, and a sentence for people. Nothing is changed by a refused transition.
public struct ItemRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// The transition does not start from the item's state.
        case wrongState = "wrong-state"
        /// The transition needs something that was not given (``parameter`` names it).
        case missing
        /// A new deadline is not after now.
        case notInFuture = "not-in-future"
        /// The verifier is the item's direct responsible person.
        case directResponsible = "direct-responsible"
        /// `by` names `@ROLE` that is not a role of a unit.
        case notARole = "not-a-role"
        /// `by` names a role of the unit that nobody holds now.
        case roleVacant = "role-vacant"
        /// A verification with neither an authenticated caller nor `by`.
        case noVerifier = "no-verifier"
    }

    public var code: Code
    public var item: Int64
    /// The item's state, when the state is the reason.
    public var state: String?
    /// The parameter of the call the refusal concerns (`plan`, `deadline`, `by`, …).
    public var parameter: String?
    /// The sentence for people, in the ledger's words; no command-line advice.
    public var reason: String

    public var description: String { reason }
}

/// The lifecycle of a rectification item as a pure function: a transition applied to an item gives
/// the item as it is after (with the history's details) or a refusal. The store persists the change.
public enum ItemLifecycle {
    public struct Change: Sendable, Equatable {
        /// The item after the transition; ``startsRound`` says whether its stages start again.
        public var item: RectificationItem
        /// A new deadline: a new round of stages against it.
        public var startsRound: Bool
        /// What the history records of it (`from`, `to`, `note`, `by`, …).
        public var history: [String: String]
    }

    /// Applies `transition` to `item` at `now`.
    /// - Parameter holder: the person who holds a role (`first`, `direct`, …) of the item's unit now.
    public static func apply(
        _ transition: ItemTransition, to item: RectificationItem, _ details: TransitionDetails,
        schedule: ItemSchedule, at now: Date, holder: (UnitRole) -> String?
    ) -> Result<Change, ItemRefusal> {
        func refusal(_ code: ItemRefusal.Code, _ parameter: String?, _ reason: String) -> ItemRefusal {
            ItemRefusal(code: code, item: item.id, state: nil, parameter: parameter, reason: reason)
        }
        guard transition.allowedFrom.contains(item.state) else {
            let from = transition.allowedFrom.map(\.rawValue).sorted().joined(separator: ", ")
            return .failure(
                ItemRefusal(
                    code: .wrongState, item: item.id, state: item.state.rawValue, parameter: nil,
                    reason:
                        "item #\(item.id) is \(item.state.rawValue); \(transition.rawValue) applies only to an item "
                        + "that is \(from)"))
        }
        func given(_ value: String?) -> String? {
            guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
            return value
        }
        var after = item
        after.state = transition.target
        var history: [String: String] = ["from": item.state.rawValue, "to": transition.target.rawValue]
        history["note"] = details.note
        var startsRound = false
        /// A new deadline: the stages start again against it; the first deadline is kept as the original.
        func newRound(_ deadline: Date, flagged: Bool) {
            startsRound = true
            if after.originalDeadline == nil {
                after.originalDeadline = item.deadline
                after.originalDeadlineDate = item.deadlineDate
            }
            after.deadline = deadline
            after.deadlineDate = details.deadlineDate
            after.round = item.round + 1
            after.flagged = flagged
            after.recordedStages = []
            after.nextEventAt = schedule.forUnit(item.unit).nextEvent(
                deadline: deadline, flagged: flagged, recorded: [])
            history["deadline"] = details.deadlineDate ?? ISOTimestamp.utc(deadline)
        }
        switch transition {
        case .progress:
            after.note = details.note ?? item.note
            // Back from a referral, the item's stages resume.
            if item.state == .referred {
                after.nextEventAt = schedule.forUnit(item.unit).nextEvent(
                    deadline: item.deadline, flagged: item.flagged, recorded: item.recordedStages)
            }
        case .rectified:
            after.rectifiedAt = now
            after.note = details.note ?? item.note
        case .verify:
            // The verifier is a person however written: a role of the unit means its holder now.
            var onBehalf: String?
            if let raw = details.by {
                let trimmed = raw.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
                if trimmed.hasPrefix("@") {
                    guard let role = UnitRole(rawValue: String(trimmed.dropFirst())) else {
                        return .failure(
                            refusal(
                                .notARole, "by",
                                "'\(trimmed)' is not a role of a unit ("
                                    + UnitRole.allCases.map { "@" + $0.rawValue }.joined(separator: ", ") + ")"))
                    }
                    guard let person = holder(role) else {
                        return .failure(refusal(.roleVacant, "by", "nobody holds \(trimmed) of \(item.unit) now"))
                    }
                    onBehalf = person
                } else {
                    onBehalf = trimmed
                }
            }
            // Without an authenticated caller (the store used directly), the one named verifies.
            guard let caller = details.verifier ?? onBehalf else {
                return .failure(refusal(.noVerifier, "by", "verify needs the verifier"))
            }
            let by = onBehalf ?? caller
            let direct = Set(
                [item.directPerson, item.direct.flatMap { $0.hasPrefix("@") ? nil : $0 }].compactMap { $0 })
            if direct.contains(caller) || !direct.isDisjoint(with: details.verifierAliases) {
                return .failure(
                    refusal(
                        .directResponsible, nil,
                        "you (\(caller)) are the direct responsible person of item #\(item.id) and cannot verify "
                            + "it, not even on someone's behalf; verification is by someone else"))
            }
            if let raw = details.by, direct.contains(by) {
                let trimmed = raw.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
                let named = trimmed == by ? by : "'\(trimmed)' (\(by))"
                return .failure(
                    refusal(
                        .directResponsible, "by",
                        "\(named) is the direct responsible person of item #\(item.id) and cannot verify it; "
                            + "verification is by someone else"))
            }
            // A complaint with a reply deadline is answered before it is closed (R23).
            if item.source == ItemSource.complaint.rawValue, item.replyDueAt != nil, item.repliedAt == nil {
                return .failure(
                    refusal(
                        .missing, "reply",
                        "item #\(item.id) is a complaint: the reply to the complainant is recorded before it is closed")
                )
            }
            history["by"] = by
            if let raw = details.by { history["onBehalfOf"] = raw }
            history["verifier"] = caller
            after.closedAt = now
            after.verifiedBy = by
            after.note = details.note ?? item.note
            after.nextEventAt = nil
        case .reject:
            guard let reason = given(details.note) else {
                return .failure(refusal(.missing, "note", "reject needs a reason"))
            }
            after.note = reason
        case .deferral:
            guard let plan = given(details.plan) else {
                return .failure(refusal(.missing, "plan", "defer needs a rectification plan"))
            }
            guard let explanation = given(details.explanation) else {
                return .failure(refusal(.missing, "explanation", "defer needs a public explanation"))
            }
            guard let deadline = details.deadline else {
                return .failure(refusal(.missing, "deadline", "defer needs a new date"))
            }
            guard deadline > now else {
                return .failure(refusal(.notInFuture, "deadline", "the new date of a deferral must be in the future"))
            }
            newRound(deadline, flagged: item.flagged)
            after.plan = plan
            after.explanation = explanation
            history["plan"] = plan
        case .refer:
            guard let body = given(details.referredTo) else {
                return .failure(refusal(.missing, "referredTo", "refer needs the body it is referred to"))
            }
            history["to"] = body
            after.referredTo = body
            after.nextEventAt = nil
        case .reopen:
            guard let reason = given(details.note) else {
                return .failure(refusal(.missing, "note", "reopen needs a reason"))
            }
            guard let deadline = details.deadline else {
                return .failure(refusal(.missing, "deadline", "reopen needs a new deadline"))
            }
            guard deadline > now else {
                return .failure(refusal(.notInFuture, "deadline", "the new deadline must be in the future"))
            }
            newRound(deadline, flagged: true)
            after.note = reason
            after.closedAt = nil
            after.verifiedBy = nil
        }
        return .success(Change(item: after, startsRound: startsRound, history: history))
    }
}
