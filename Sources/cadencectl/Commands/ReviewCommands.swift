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
            """,
        subcommands: [Add.self, List.self, Fulfil.self], defaultSubcommand: List.self)

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a commitment (needs write access).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The unit's id.") var unit: String
        @Argument(help: "What is promised.") var text: String
        @Option(help: "The year (default: this year).") var year: Int?
        @Option(help: "A member's commitment: the member.") var member: String?
        @Option(help: "The post it is tied to.") var post: String?
        @Option(help: "Direction, e.g. organisation→members.") var direction: String?
        @Option(help: "Published on (YYYY-MM-DD).") var published: String?
        @Flag(help: "Print the commitment as JSON.") var json = false

        func run() throws {
            var p: [String: Any] = ["unit": unit, "text": text]
            if let year { p["year"] = year }
            if let member { p["member"] = member }
            if let post { p["post"] = post }
            if let direction { p["direction"] = direction }
            if let published { p["publishedOn"] = published }
            let c = try socket.call("AddCommitment", p)["commitment"] as? [String: Any] ?? [:]
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
            var p: [String: Any] = [:]
            if let unit { p["unit"] = unit }
            if let year { p["year"] = year }
            let list = try socket.call("ListCommitments", p)["commitments"] as? [[String: Any]] ?? []
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
            var p: [String: Any] = ["id": id, "status": status.rawValue]
            if let period { p["period"] = period }
            if let note { p["note"] = note }
            _ = try socket.call("EvaluateCommitment", p)
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
            """,
        subcommands: [Record.self, List.self], defaultSubcommand: List.self)

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record one held (needs write access).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The reviewed unit's id.") var unit: String
        @Option(help: "review, inspection, appraisal or evaluation (default: that of --cadence, else review).")
        var kind: String?
        @Option(
            help:
                "The cadence it was held for, when several have the same kind (e.g. a quarterly inspection beside the half-year one)."
        )
        var cadence: String?
        @Option(help: "The period (2027-Q1, 2027-H1, 2027; default: that of --held).") var period: String?
        @Option(help: "When it was held (YYYY-MM-DD, default today).") var held: String?
        @Option(help: "How it was held.") var form: ReviewForm?
        @Option(help: "Who reviewed.") var reviewer: String?
        @Option(help: "The reviewing unit (default: the parent).") var by: String?
        @Option(help: "Organisation or member reviewed.") var subject: String?
        @Option(help: "Achievements, problems, direction.") var outcome: String?
        @Flag(help: "Accept a reviewing unit that is not the parent.") var override = false
        @Flag(help: "Print the review as JSON.") var json = false

        func run() throws {
            var p: [String: Any] = ["unit": unit, "override": override]
            for (key, value) in [
                ("kind", kind), ("cadence", cadence), ("period", period), ("heldOn", held), ("form", form?.rawValue),
                ("reviewer", reviewer), ("byUnit", by),
                ("subject", subject), ("outcome", outcome),
            ] {
                if let value { p[key] = value }
            }
            let review = try socket.call("RecordReview", p)["review"] as? [String: Any] ?? [:]
            print(
                json
                    ? jsonLine(review)
                    : "Recorded \(review["kind"] ?? kind ?? "review") of \(unit) for \(review["period"] ?? "?")"
                        + (review["cadence"].map { " (\($0))" } ?? "") + ".")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List those recorded, newest period first.")
        @OptionGroup var socket: SocketOptions
        @Option(help: "Only this unit.") var unit: String?
        @Option(help: "Only this kind.") var kind: String?
        @Option(help: "Only this period.") var period: String?
        @Flag(help: "Print one JSON object per review.") var json = false

        func run() throws {
            var p: [String: Any] = [:]
            if let unit { p["unit"] = unit }
            if let kind { p["kind"] = kind }
            if let period { p["period"] = period }
            let list = try socket.call("ListReviews", p)["reviews"] as? [[String: Any]] ?? []
            printList(
                list,
                [
                    ("UNIT", "unit"), ("KIND", "kind"), ("PERIOD", "period"), ("HELD", "heldOn"), ("BY", "byUnit"),
                    ("REVIEWER", "reviewer"), ("FORM", "form"),
                ], json: json, footer: "\(list.count) recorded.")
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
            """,
        subcommands: [Submit.self, Quota.self])

    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record one report submitted (needs write access).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The unit's id.") var unit: String
        @Argument(help: "Title or topic.") var title: String
        @Option(help: "Submitted on (YYYY-MM-DD, default today).") var date: String?
        @Option(help: "The month it counts for (default: that of --date).") var month: String?
        @Option(help: "The liaison officer (default: the unit's).") var liaison: String?
        @Option(help: "The office it went to.") var recipient: String?

        func run() throws {
            var p: [String: Any] = ["unit": unit, "title": title]
            if let date { p["submittedOn"] = date }
            if let month { p["month"] = month }
            if let liaison { p["liaison"] = liaison }
            if let recipient { p["recipient"] = recipient }
            let reply = try socket.call("SubmitReport", p)
            print("Recorded report #\(reply["id"] ?? "?") of \(unit) for \(reply["month"] ?? "?").")
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
            var p: [String: Any] = ["all": all]
            if let month { p["month"] = month }
            let reply = try socket.call("GetQuota", p)
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
            """)
    @OptionGroup var socket: SocketOptions
    @Option(
        help:
            "Only this kind (occurrence, catch-up, deadline-warning, overdue, escalation, accountability, quota-shortfall)."
    )
    var kind: String?
    @Option(help: "Only this unit's.") var unit: String?
    @Option(help: "The newest this many (1-1000000).") var limit = 100
    @Flag(help: "Print one JSON object per notice.") var json = false

    func run() throws {
        var p: [String: Any] = ["limit": limit]
        if let kind { p["kind"] = kind }
        if let unit { p["unit"] = unit }
        let notices = try socket.call("ListNotices", p)["notices"] as? [[String: Any]] ?? []
        printList(
            notices, [("DUE", "due"), ("KIND", "kind"), ("UNIT", "unit"), ("SUBJECT", "subject")], json: json,
            footer: "\(notices.count) notices.")
    }
}
