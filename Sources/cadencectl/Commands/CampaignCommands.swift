import CadenceConfiguration
import ArgumentParser
import CadenceControl
import CadenceCore
import Foundation

/// `cadencectl units …`: the organisational tree.
struct UnitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "units", abstract: "Add, list, show and remove organisational units.",
        discussion: """
            Kinds: bureau, county-bureau, city-direct, district, township, village, party-committee,
            branch, department, other. The monthly information-report quota defaults by kind
            (county-bureau 4, city-direct 2, others 0); --quota sets a unit's own.

            Examples:
              cadencectl units add city --name '示例市卫生局' --kind bureau
              cadencectl units add county-a --name '示例县卫生局' --kind county-bureau --parent city --liaison 'Wang Wu'
              cadencectl units list --parent city
            """,
        subcommands: [Add.self, List.self, Show.self, Remove.self], defaultSubcommand: List.self)

    static let columns: [(header: String, key: String)] = [
        ("ID", "id"), ("NAME", "name"), ("KIND", "kind"), ("PARENT", "parent"), ("QUOTA", "quota"),
        ("LIAISON", "liaison"),
    ]

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a unit (needs write access).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Its id: no spaces or '/', as used on the command line.") var id: String
        @Option(help: "Its name.") var name: String
        @Option(help: "Its kind.") var kind: String
        @Option(help: "The parent unit's id.") var parent: String?
        @Option(help: "Information reports owed per month (default by kind).") var quota: Int?
        @Option(help: "Specialty line.") var specialty: String?
        @Option(help: "Grade.") var grade: String?
        @Option(help: "The liaison officer.") var liaison: String?
        @Flag(help: "Print the unit as JSON.") var json = false

        func run() throws {
            var p: [String: Any] = ["id": id, "name": name, "kind": kind]
            if let parent { p["parent"] = parent }
            if let quota { p["quota"] = quota }
            if let specialty { p["specialty"] = specialty }
            if let grade { p["grade"] = grade }
            if let liaison { p["liaison"] = liaison }
            let unit = try socket.call("AddUnit", p)["unit"] as? [String: Any] ?? [:]
            print(json ? jsonLine(unit) : "Added unit \(id).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List units by id.")
        @OptionGroup var socket: SocketOptions
        @Option(help: "Only the sub-units of this unit.") var parent: String?
        @Flag(help: "Include removed units.") var all = false
        @Flag(help: "Print one JSON object per unit.") var json = false

        func run() throws {
            var p: [String: Any] = ["includeRemoved": all]
            if let parent { p["parent"] = parent }
            let units = try socket.call("ListUnits", p)["units"] as? [[String: Any]] ?? []
            printList(units, UnitsCommand.columns, json: json, footer: "\(units.count) units.")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a unit, its sub-units and its roles.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The unit's id.") var id: String
        @Flag(help: "Print the unit as JSON.") var json = false

        func run() throws {
            let reply = try socket.call("GetUnit", ["id": id])
            let unit = reply["unit"] as? [String: Any] ?? [:]
            if json {
                var object = unit
                object["children"] = reply["children"]
                print(jsonLine(object))
                return
            }
            printRecord(
                unit,
                [
                    ("Unit", "id"), ("Name", "name"), ("Kind", "kind"), ("Parent", "parent"),
                    ("Monthly quota", "quota"), ("Specialty", "specialty"), ("Grade", "grade"),
                    ("Liaison", "liaison"), ("Removed", "removed"),
                ])
            print("Sub-units".padding(toLength: 15, withPad: " ", startingAt: 0) + display(reply["children"] ?? []))
            let roles = try socket.call("ListRoles", ["unit": id])["roles"] as? [[String: Any]] ?? []
            if !roles.isEmpty {
                print("\nRoles:")
                printList(roles, [("ROLE", "role"), ("PERSON", "person"), ("SINCE", "since")], json: false)
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a unit out of the tree; its records stay (refused with sub-units or open items).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The unit's id.") var id: String

        func run() throws {
            _ = try socket.call("RemoveUnit", ["id": id])
            print("Removed unit \(id).")
        }
    }
}

/// `cadencectl role …`: people holding roles over time.
struct RoleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "role", abstract: "Assign roles to people and list who held them when.",
        discussion: """
            Roles: first (第一责任人), main (主要责任人), direct (直接责任人), liaison, office-head,
            group-leader, group-deputy, group-member, contact-leader, inspector. A new holder takes
            over the open items that name the role (@first…); the old tenure is kept.

            Examples:
              cadencectl role assign county-a first 'Chen Yi'
              cadencectl role list county-a --all
            """,
        subcommands: [Assign.self, List.self], defaultSubcommand: List.self)

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a role to a person (needs write access).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The unit's id.") var unit: String
        @Argument(help: "The role.") var role: String
        @Argument(help: "The person.") var person: String

        func run() throws {
            _ = try socket.call("AssignRole", ["unit": unit, "role": role, "person": person])
            print("\(person) is now \(role) of \(unit).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Current role holders (all tenures with --all).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Only this unit.") var unit: String?
        @Flag(help: "Past tenures too.") var all = false
        @Flag(help: "Print one JSON object per tenure.") var json = false

        func run() throws {
            var p: [String: Any] = ["includePast": all]
            if let unit { p["unit"] = unit }
            let roles = try socket.call("ListRoles", p)["roles"] as? [[String: Any]] ?? []
            printList(
                roles,
                [("UNIT", "unit"), ("ROLE", "role"), ("PERSON", "person"), ("SINCE", "since"), ("UNTIL", "until")],
                json: json)
        }
    }
}

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
        @Argument(help: "fulfilled, partial or unfulfilled.") var status: String
        @Option(help: "The review period (default: the current quarter).") var period: String?
        @Option(help: "A note.") var note: String?

        func run() throws {
            var p: [String: Any] = ["id": id, "status": status]
            if let period { p["period"] = period }
            if let note { p["note"] = note }
            _ = try socket.call("EvaluateCommitment", p)
            print("Commitment #\(id): \(status).")
        }
    }
}

/// `cadencectl review …`: reviews, inspections, appraisals and evaluations held.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "Record reviews, inspections, appraisals and evaluations held.",
        discussion: """
            A unit's review is recorded by its parent (the default) or its contact-point leader;
            another reviewing unit needs --override. A duty not recorded by its period's end
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
        @Option(help: "plenary, individual, on-site, random or routine.") var form: String?
        @Option(help: "Who reviewed.") var reviewer: String?
        @Option(help: "The reviewing unit (default: the parent).") var by: String?
        @Option(help: "Organisation or member reviewed.") var subject: String?
        @Option(help: "Achievements, problems, direction.") var outcome: String?
        @Flag(help: "Accept a reviewing unit that is not the parent.") var override = false
        @Flag(help: "Print the review as JSON.") var json = false

        func run() throws {
            var p: [String: Any] = ["unit": unit, "override": override]
            for (key, value) in [
                ("kind", kind), ("cadence", cadence), ("period", period), ("heldOn", held), ("form", form),
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
            At each month's end the daemon emits one quota-shortfall notice listing the units that
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

/// `cadencectl import`: units, commitments or items from a spreadsheet file.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import units, commitments or items from CSV or JSON (all or nothing).",
        discussion: """
            CSV as spreadsheets write it: UTF-8 with or without BOM, UTF-16 with BOM, or GB18030
            (found automatically; --encoding to insist). The first row names the columns:
              units:       id, name, kind[, parent, quota, specialty, grade, liaison]
              commitments: unit, text[, year, member, post, direction, publishedOn]
              items:       unit, title, deadline[, source, category, scope, urgency, difficulty,
                           measures, acceptance, first, main, direct, number]
            Chinese headers such as 单位, 问题, 整改时限, 第一责任人, 序号 are understood. Every row is
            checked; if any is bad, each problem is printed with its line and nothing is imported.
            Imported items may already be overdue. An export imports back.

            Importing the same sheet again adds nothing: a row is the item of the same unit and
            number (序号/编号), or without a number column the same unit and problem as a row
            imported before (an item added by hand: the same problem and deadline). A row that
            differs from its item is listed, and changed only with --update. A row added by
            mistake is taken out with cadencectl item remove.

            Examples:
              cadencectl import units units.csv --dry-run
              cadencectl import items 整改台账.csv
              cadencectl import items 整改台账.csv --update
              cadencectl import commitments commitments.json
            """)
    @OptionGroup var socket: SocketOptions
    @Argument(help: "units, commitments or items.") var kind: String
    @Argument(help: "The file (- for standard input).") var file: String
    @Option(help: "csv or json (default: by the file name, else csv).") var format: String?
    @Option(help: "auto, utf8, gb18030 or utf16.") var encoding = "auto"
    @Flag(help: "Check every row and report; import nothing.") var dryRun = false
    @Flag(help: "Apply the rows that differ from the items already imported from them (items).") var update = false
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        guard ["units", "commitments", "items"].contains(kind) else {
            throw ValidationError("'\(kind)' cannot be imported: units, commitments or items")
        }
        guard TextEncodingChoice(rawValue: encoding) != nil else {
            throw ValidationError("--encoding must be auto, utf8, gb18030 or utf16")
        }
        if let format, !["csv", "json"].contains(format) { throw ValidationError("--format must be csv or json") }
    }

    func run() throws {
        let choice = TextEncodingChoice(rawValue: encoding) ?? .auto
        let data: Data
        do {
            data =
                file == "-"
                ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            printError("cannot read \(file): \(error.localizedDescription)")
            throw ExitCode(66)  // EX_NOINPUT
        }
        let text: String
        do {
            text = try SpreadsheetText.decode(data, as: choice).text
        } catch {
            printError("\(file): \(error)")
            throw ExitCode(65)  // EX_DATAERR
        }
        let format = self.format ?? (file.lowercased().hasSuffix(".json") ? "json" : "csv")
        let reply = try socket.call(
            "Import", ["kind": kind, "format": format, "text": text, "dryRun": dryRun, "update": update])
        let problems = reply["problems"] as? [[String: Any]] ?? []
        if json {
            print(jsonLine(reply))
        } else {
            for problem in problems { printError("\(file):\(problem["line"] ?? "?"): \(problem["reason"] ?? "")") }
            let rows = reply["rows"] ?? 0
            if !problems.isEmpty {
                printError("\(problems.count) problems in \(rows) rows; nothing imported.")
            } else if dryRun {
                print("\(rows) rows are good; nothing imported (dry run).")
            } else {
                print("Imported \(reply["imported"] ?? 0) \(kind).")
            }
            if problems.isEmpty, let unchanged = reply["unchanged"] as? Int, unchanged > 0 {
                print("\(unchanged) rows are already in the ledger as they are; not added again.")
            }
            let changed = reply["changed"] as? [[String: Any]] ?? []
            if problems.isEmpty, !changed.isEmpty {
                for change in changed {
                    let fields = (change["fields"] as? [[String: Any]] ?? []).map {
                        "\($0["name"] ?? "?") '\($0["from"] ?? "")' → '\($0["to"] ?? "")'"
                    }
                    print(
                        "\(file):\(change["line"] ?? "?"): item #\(change["item"] ?? "?"): "
                            + fields.joined(separator: ", "))
                }
                if (reply["updated"] as? Int ?? 0) > 0 {
                    print("Updated \(changed.count) items from their rows.")
                } else {
                    print(
                        "\(changed.count) rows differ from the items imported from them; "
                            + (dryRun ? "" : "nothing changed: ") + "give --update to apply them.")
                }
            }
        }
        if !problems.isEmpty { throw ExitCode(65) }
    }
}

/// `cadencectl export`: units, commitments or items as CSV or JSON.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export units, commitments or items as CSV or JSON.",
        discussion: """
            CSV cells that a spreadsheet would run as a formula (=, +, -, @ …) get a leading '.
            Examples:
              cadencectl export items --unit county-a > county-a.csv
              cadencectl export commitments --unit county-a --encoding gb18030 > 公示.csv
            """)
    @OptionGroup var socket: SocketOptions
    @Argument(help: "units, commitments or items.") var kind: String
    @Option(help: "csv or json.") var format = "csv"
    @Option(help: "Only this unit's (and for units, its sub-units).") var unit: String?
    @Option(help: "utf8 or gb18030 (for spreadsheet programs on Chinese Windows).") var encoding = "utf8"
    @Flag(help: "Start UTF-8 with a byte order mark (Excel).") var bom = false

    func validate() throws {
        guard ["units", "commitments", "items"].contains(kind) else {
            throw ValidationError("'\(kind)' cannot be exported: units, commitments or items")
        }
        guard let choice = TextEncodingChoice(rawValue: encoding), choice != .auto else {
            throw ValidationError("--encoding must be utf8, gb18030 or utf16")
        }
        guard ["csv", "json"].contains(format) else { throw ValidationError("--format must be csv or json") }
    }

    func run() throws {
        let choice = TextEncodingChoice(rawValue: encoding) ?? .utf8
        var p: [String: Any] = ["kind": kind, "format": format]
        if let unit { p["unit"] = unit }
        let text = try socket.call("Export", p)["text"] as? String ?? ""
        FileHandle.standardOutput.write(Data(try SpreadsheetText.encode(text, as: choice, bom: bom)))
    }
}
