/// A campaign plan as an evaluation shows it (R5, R6, R10, R11): its phases in the window, the
/// deliverables due in it with who handed each in, and its yearly quotas and ranges as they stand
/// at the report's instant.
public struct PlanFigures: Sendable, Equatable {
    public struct Phase: Sendable, Equatable {
        public var name: String
        /// As the plan wrote them (`2011-10下旬`).
        public var startText: String
        public var endText: String
        public var first: LocalDate
        public var last: LocalDate

        public init(name: String, startText: String, endText: String, first: LocalDate, last: LocalDate) {
            (self.name, self.startText, self.endText, self.first, self.last) = (name, startText, endText, first, last)
        }
    }

    public struct Deliverable: Sendable, Equatable {
        public var name: String
        public var dueText: String
        public var dueDay: LocalDate
        /// Its due day has ended by the instant: units are judged on it.
        public var judged: Bool
        /// The units owing it, in order, with the day each handed it in (nil: not yet).
        public var owing: [(id: String, name: String, handedOn: LocalDate?)]

        public init(
            name: String, dueText: String, dueDay: LocalDate, judged: Bool,
            owing: [(id: String, name: String, handedOn: LocalDate?)]
        ) {
            (self.name, self.dueText, self.dueDay, self.judged, self.owing) = (name, dueText, dueDay, judged, owing)
        }

        /// Handed in by its due day.
        public var onTime: Int { owing.filter { $0.handedOn.map { $0 <= dueDay } ?? false }.count }
        /// Not handed in by its due day (late or not at all), by name.
        public var notOnTime: [String] {
            owing.filter { $0.handedOn.map { $0 > dueDay } ?? true }.map(\.name)
        }

        public static func == (a: Self, b: Self) -> Bool {
            (a.name, a.dueText, a.dueDay, a.judged) == (b.name, b.dueText, b.dueDay, b.judged)
                && a.owing.map(\.id) == b.owing.map(\.id) && a.owing.map(\.handedOn) == b.owing.map(\.handedOn)
        }
    }

    public struct Count: Sendable, Equatable {
        public var rule: CountRule
        /// A quota is judged once its year has ended by the instant; a range always, as it stands.
        public var judged: Bool
        /// The units (or people) counted, and those outside their bounds.
        public var subjects: [CountSubject]
        public var findings: [CountFinding]
        /// Each subject's count, by id (absent: none).
        public var counts: [String: Int] = [:]

        public init(rule: CountRule, judged: Bool, subjects: [CountSubject], findings: [CountFinding]) {
            (self.rule, self.judged, self.subjects, self.findings) = (rule, judged, subjects, findings)
        }
    }

    public var name: String
    public var description: String
    public var phases: [Phase]
    public var deliverables: [Deliverable]
    public var counts: [Count]

    public init(name: String, description: String, phases: [Phase], deliverables: [Deliverable], counts: [Count]) {
        (self.name, self.description, self.phases, self.deliverables, self.counts) =
            (name, description, phases, deliverables, counts)
    }

    /// What a plan asks of each unit and what it did, for its score: every judged deliverable it
    /// owes (met when handed in by its due day) and every judged count of units (met when within).
    public var tasks: [String: PlanTasks] {
        var tasks: [String: PlanTasks] = [:]
        for deliverable in deliverables where deliverable.judged {
            for unit in deliverable.owing {
                tasks[unit.id, default: PlanTasks()].due += 1
                if let day = unit.handedOn, day <= deliverable.dueDay { tasks[unit.id, default: PlanTasks()].met += 1 }
            }
        }
        for count in counts where count.judged && count.rule.role == nil {
            let outside = Set(count.findings.map(\.subject.id))
            for subject in count.subjects {
                tasks[subject.id, default: PlanTasks()].due += 1
                if !outside.contains(subject.id) { tasks[subject.id, default: PlanTasks()].met += 1 }
            }
        }
        return tasks
    }
}

/// What the campaign plans asked of one unit in the window, and how much of it it did.
public struct PlanTasks: Sendable, Equatable {
    public var due = 0
    public var met = 0

    public init(due: Int = 0, met: Int = 0) {
        (self.due, self.met) = (due, met)
    }
}
