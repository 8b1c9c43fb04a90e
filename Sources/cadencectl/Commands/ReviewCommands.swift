import CadenceConfiguration
import ArgumentParser
import CadenceControl
import CadenceCore
import Foundation

/// `cadencectl commitment …`: public commitments and their fulfilment.
struct CommitmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commitment", abstract: "Add, list and evaluate public commitments (公开承诺).",
        discussion: """
            Examples:
              cadencectl commitment add county-a '全年开展义诊 12 次' --year 2027
              cadencectl commitment add county-a '每月走访群众' --member 'Zhou Qi' --post 'Nurse'
              cadencectl commitment fulfil 17 fulfilled --period 2027-Q1
              cadencectl commitment list --unit county-a
              cadencectl commitment board --unit county-a --format html --mask -o 公示栏.html
            """,
        subcommands: [Add.self, List.self, Fulfil.self, Board.self], defaultSubcommand: List.self)

    struct Board: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The commitments notice board (公示栏) of a year, per unit.",
            discussion: """
                Each unit's commitments with who made them, the post, the publication date and how \
                far each is honoured; then the commitments not published in time: with \
                PublishWithinDays= on the commitment call's cadence, those published after that many \
                working days from the call (or not at all, once that day has passed); without it, those \
                with no publication date. --mask shows members as 孙*, as a board posted in public does.
                """)
        @OptionGroup var socket: SocketOptions
        @Option(help: "This unit and the units under it (default: every unit).") var unit: String?
        @Option(help: "The year (default: this year).") var year: Int?
        @Option(help: "md (default), html or csv.") var format: EvaluationFormat = .md
        @Option(help: "Its language (default: the daemon's Language=).") var language: NoticeLanguage?
        @Flag(help: "Mask members' names (孙三 → 孙*).") var mask = false
        @Option(name: [.customShort("o"), .long], help: "Write to this file instead of standard output.")
        var output: String?

        func validate() throws {
            if format == .json {
                throw ValidationError("--format is md, html or csv (commitment list --json gives JSON)")
            }
        }

        func run() throws {
            let call = CommitmentBoardCall {
                ($0.unit, $0.year, $0.format, $0.language, $0.mask) = (unit, year, format, language, mask)
            }
            let reply = try socket.call(call)
            let text = reply["text"] as? String ?? ""
            try writeOutput(Data(text.utf8), to: output)
            // Written to a file: say what the board reports.
            guard output != nil else { return }
            printError(
                "\(reply["commitments"] ?? 0) commitments, \(reply["unpublished"] ?? 0) not published in time"
                    + ((reply["deadline"] as? String).map { " (due by \($0))" } ?? "") + ".")
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a commitment (needs write access).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The unit's id.") var unit: String
        @Argument(help: "What is promised.") var text: String
        @Option(help: "The year (default: this year).") var year: Int?
        @Option(help: "A member's commitment: the member.") var member: String?
        @Option(help: "The post it is tied to.") var post: String?
        @Option(help: "Direction, e.g. organisation→members.") var direction: String?
        @Option(help: "Published on (YYYY-MM-DD).") var published: LocalDate?
        @Flag(help: "Print the commitment as JSON.") var json = false

        func run() throws {
            let call = AddCommitmentCall {
                ($0.unit, $0.text, $0.year, $0.member) = (unit, text, year, member)
                ($0.post, $0.direction, $0.publishedOn) = (post, direction, published)
            }
            let c = try socket.call(call)["commitment"] as? [String: Any] ?? [:]
            print(json ? jsonLine(c) : "Added commitment #\(c["id"] ?? "?").")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List commitments with their last evaluation.")
        @OptionGroup var socket: SocketOptions
        @Option(help: "Only this unit's.") var unit: String?
        @Option(help: "Only this year's.") var year: Int?
        @Flag(help: "Print one JSON object per commitment.") var json = false

        func run() throws {
            let call = ListCommitmentsCall { ($0.unit, $0.year) = (unit, year) }
            let list = try socket.call(call)["commitments"] as? [[String: Any]] ?? []
            printList(
                list,
                [
                    ("ID", "id"), ("UNIT", "unit"), ("MEMBER", "member"), ("YEAR", "year"), ("STATUS", "status"),
                    ("PERIOD", "evaluatedPeriod"), ("TEXT", "text"),
                ], json: json, footer: "\(list.count) commitments.")
        }
    }

    struct Fulfil: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record how far a commitment is honoured at a review (needs write access).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The commitment number.") var id: Int
        @Argument(help: "How far it was kept.") var status: CommitmentStatus
        @Option(help: "The review period (default: the current quarter).") var period: String?
        @Option(help: "A note.") var note: String?

        func run() throws {
            _ = try socket.call(
                EvaluateCommitmentCall { ($0.id, $0.status, $0.period, $0.note) = (Int64(id), status, period, note) })
            print("Commitment #\(id): \(status.rawValue).")
        }
    }
}

/// `cadencectl review …`: reviews, inspections, appraisals and evaluations held.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "Record reviews, inspections, appraisals and evaluations held.",
        discussion: """
            A unit's review is recorded by its parent (the default) or its contact-point leader; \
            another reviewing unit needs --override. A duty not recorded by its period's end \
            becomes an overdue item; recording it later closes that item.

            Examples:
              cadencectl review record county-a --kind review --held 2027-03-20 --form plenary --reviewer 'Leader Qian'
              cadencectl review list --period 2027-Q1
              cadencectl review remove 12 --reason '录错单位，应为乙县'
            """,
        subcommands: [Record.self, List.self, Remove.self], defaultSubcommand: List.self)

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record one held (needs write access).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The reviewed unit's id.") var unit: String
        @Option(help: "What was held (default: that of --cadence, else review).") var kind: ReviewKind?
        @Option(
            help:
                "The cadence it was held for, when several have the same kind (e.g. a quarterly inspection beside the half-year one)."
        )
        var cadence: String?
        @Option(help: "The period (2027-Q1, 2027-H1, 2027; default: that of --held).") var period: String?
        @Option(help: "When it was held (YYYY-MM-DD, default today).") var held: LocalDate?
        @Option(help: "How it was held.") var form: ReviewForm?
        @Option(help: "Who reviewed.") var reviewer: String?
        @Option(help: "The reviewing unit (default: the parent).") var by: String?
        @Option(help: "Organisation or member reviewed.") var subject: String?
        @Option(help: "Achievements, problems, direction.") var outcome: String?
        @Flag(help: "Accept a reviewing unit that is not the parent.") var override = false
        @Option(help: "A public appraisal: appraisal forms returned.") var formsReturned: Int?
        @Option(help: "A public appraisal: of the forms returned, those satisfied.") var satisfied: Int?
        @Option(help: "A public appraisal: the unit's members.") var members: Int?
        @Option(help: "A public appraisal: of the members, those appraised.") var membersAppraised: Int?
        @Flag(help: "Print the review as JSON.") var json = false

        func run() throws {
            let call = RecordReviewCall {
                ($0.formsReturned, $0.satisfied) = (formsReturned, satisfied)
                ($0.members, $0.membersAppraised) = (members, membersAppraised)
                ($0.unit, $0.kind, $0.cadence, $0.period, $0.heldOn) = (unit, kind, cadence, period, held)
                ($0.form, $0.reviewer, $0.byUnit, $0.subject) = (form, reviewer, by, subject)
                ($0.outcome, $0.override) = (outcome, override)
            }
            let review = try socket.call(call)["review"] as? [String: Any] ?? [:]
            print(
                json
                    ? jsonLine(review)
                    : "Recorded \(review["kind"] ?? kind?.rawValue ?? "review") of \(unit) for \(review["period"] ?? "?")"
                        + (review["cadence"].map { " (\($0))" } ?? "") + ".")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List those recorded, newest period first.")
        @OptionGroup var socket: SocketOptions
        @Option(help: "Only this unit.") var unit: String?
        @Option(help: "Only this kind.") var kind: ReviewKind?
        @Option(help: "Only this period.") var period: String?
        @Flag(help: "Print one JSON object per review.") var json = false

        func run() throws {
            let call = ListReviewsCall { ($0.unit, $0.kind, $0.period) = (unit, kind, period) }
            let list = try socket.call(call)["reviews"] as? [[String: Any]] ?? []
            printList(
                list,
                [
                    ("ID", "id"), ("UNIT", "unit"), ("KIND", "kind"), ("PERIOD", "period"), ("HELD", "heldOn"),
                    ("BY", "byUnit"), ("REVIEWER", "reviewer"), ("FORM", "form"),
                ], json: json, footer: "\(list.count) recorded.")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take out a review recorded by mistake (needs write access).",
            discussion: """
                The review and the reason are kept in the history. If no other record meets the \
                duty, it is missed again: the overdue item the review had closed is open again, or, \
                when the period's check had already found the duty done, an overdue item is opened.
                """)
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The review's number (review list shows it).") var id: Int
        @Option(help: "Why it is taken out (kept in the history).") var reason: String
        @Flag(help: "Print the reply as JSON.") var json = false

        func run() throws {
            let reply = try socket.call(RemoveReviewCall { ($0.id, $0.reason) = (Int64(id), reason) })
            if json { return print(jsonLine(reply)) }
            let review = reply["review"] as? [String: Any] ?? [:]
            print(
                "Removed \(review["kind"] ?? "review") #\(id) of \(review["unit"] ?? "?") for \(review["period"] ?? "?")."
            )
            switch (reply["duty"] as? String, reply["item"]) {
            case ("reopened", let item?): print("Its duty is missed again: overdue item #\(item) is open again.")
            case ("opened", let item?): print("Its duty is missed again: overdue item #\(item) is opened.")
            default: break
            }
        }
    }
}

/// `cadencectl report …`: information reports and quotas.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Record information reports and check monthly quotas.",
        discussion: """
            At each month's end the daemon emits one quota-shortfall notice listing the units that \
            submitted fewer reports than their quota (equal is compliant).

            Examples:
              cadencectl report submit county-a '我局开展义诊活动' --recipient 'City office'
              cadencectl report quota --month 2027-03
              cadencectl report list --unit county-a --month 2027-03
              cadencectl report remove 31 --reason '重复录入'
            """,
        subcommands: [Submit.self, List.self, Quota.self, Remove.self])

    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record one report submitted (needs write access).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The unit's id.") var unit: String
        @Argument(help: "Title or topic.") var title: String
        @Option(help: "Submitted on (YYYY-MM-DD, default today).") var date: LocalDate?
        @Option(help: "The month it counts for (default: that of --date).") var month: String?
        @Option(help: "The liaison officer (default: the unit's).") var liaison: String?
        @Option(help: "The office it went to.") var recipient: String?

        func run() throws {
            let call = SubmitReportCall {
                ($0.unit, $0.title, $0.submittedOn) = (unit, title, date)
                ($0.month, $0.liaison, $0.recipient) = (month, liaison, recipient)
            }
            let reply = try socket.call(call)
            print("Recorded report #\(reply["id"] ?? "?") of \(unit) for \(reply["month"] ?? "?").")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the reports recorded, newest month first.")
        @OptionGroup var socket: SocketOptions
        @Option(help: "Only this unit's.") var unit: String?
        @Option(help: "Only this month's (YYYY-MM).") var month: String?
        @Flag(help: "Print one JSON object per report.") var json = false

        func run() throws {
            let list =
                try socket.call(ListReportsCall { ($0.unit, $0.month) = (unit, month) })["reports"] as? [[String: Any]]
                ?? []
            printList(
                list,
                [
                    ("ID", "id"), ("UNIT", "unit"), ("MONTH", "month"), ("SUBMITTED", "submittedOn"),
                    ("LIAISON", "liaison"), ("TITLE", "title"),
                ], json: json, footer: "\(list.count) reports.")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take out a report recorded by mistake (needs write access).",
            discussion: """
                The report and the reason are kept in the history. A month whose quota check has \
                run is not checked again: its notice stands; report quota shows the count now.
                """)
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The report's number (report list shows it).") var id: Int
        @Option(help: "Why it is taken out (kept in the history).") var reason: String

        func run() throws {
            let reply = try socket.call(RemoveReportCall { ($0.id, $0.reason) = (Int64(id), reason) })
            let report = reply["report"] as? [String: Any] ?? [:]
            print("Removed report #\(id) of \(report["unit"] ?? "?") for \(report["month"] ?? "?").")
        }
    }

    struct Quota: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reports submitted against quotas in a month.")
        @OptionGroup var socket: SocketOptions
        @Option(help: "The month (YYYY-MM, default this month).") var month: String?
        @Flag(help: "Units without a quota too.") var all = false
        @Flag(help: "Only units short of their quota.") var short = false
        @Flag(help: "Print one JSON object per unit.") var json = false

        func run() throws {
            let reply = try socket.call(GetQuotaCall { ($0.month, $0.all) = (month, all) })
            var lines = reply["lines"] as? [[String: Any]] ?? []
            if short { lines = lines.filter { $0["short"] as? Bool == true } }
            let shortCount = lines.filter { $0["short"] as? Bool == true }.count
            printList(
                lines,
                [
                    ("UNIT", "unit"), ("NAME", "name"), ("KIND", "kind"), ("SUBMITTED", "submitted"),
                    ("REQUIRED", "required"), ("SHORT", "short"),
                ], json: json, footer: "\(reply["month"] ?? "?"): \(shortCount) of \(lines.count) units short.")
        }
    }
}

/// `cadencectl notices`: what the daemon announced.
struct NoticesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notices", abstract: "List the newest notices the daemon emitted, oldest first.",
        discussion: """
            Examples:
              cadencectl notices --kind overdue --limit 20
              cadencectl notices --unit county-a --json
              cadencectl notices --key item/42/overdue

            With --key (the CADENCED_NOTICE_KEY field of a journal entry, or the command a notice \
            file with masked names gives), the one notice is printed whole, as the ledger keeps it: \
            names are never masked here (MaskNames= masks them only in the notice files and the \
            journal).
            """)
    @OptionGroup var socket: SocketOptions
    @Option(help: "Only this kind.") var kind: NoticeKind?
    @Option(help: "Only this unit's.") var unit: String?
    @Option(help: "The newest this many (1-1000000).") var limit = 100
    @Option(help: "Only the notice of this key, printed whole.") var key: String?
    @Flag(help: "Print one JSON object per notice.") var json = false

    func run() throws {
        let call = ListNoticesCall { ($0.kind, $0.unit, $0.limit, $0.key) = (kind, unit, limit, key) }
        let notices = try socket.call(call)["notices"] as? [[String: Any]] ?? []
        if let key, !json {
            guard let notice = notices.first else {
                printError("cadencectl: no notice has the key '\(key)' (cadencectl notices lists them)")
                throw ExitCode(3)
            }
            print("\(notice["subject"] ?? "")\n\n\(notice["body"] ?? "")")
            return
        }
        printList(
            notices, [("DUE", "due"), ("KIND", "kind"), ("UNIT", "unit"), ("SUBJECT", "subject")], json: json,
            footer: "\(notices.count) notices.")
    }
}
