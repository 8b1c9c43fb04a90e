import ArgumentParser
import CadenceControl
import CadenceCore
import Foundation

/// An item's dates for people: a deadline typed as a date is that date (`deadlineDate`), not the
/// instant it falls due at.
func typedDates(_ object: [String: Any]) -> [String: Any] {
    var object = object
    for key in ["deadline", "originalDeadline"] {
        if let date = object[key + "Date"] as? String { object[key] = date }
    }
    return object
}

/// Prints `key  value` lines aligned by display width, skipping absent values.
func printRecord(_ object: [String: Any], _ keys: [(label: String, key: String)]) {
    let width = keys.map { DisplayWidth.of($0.label) }.max() ?? 0
    let object = typedDates(object)
    for (label, key) in keys {
        guard let value = object[key], !(value is NSNull) else { continue }
        print(label + String(repeating: " ", count: width - DisplayWidth.of(label) + 2) + display(value))
    }
}

/// Prints objects as an aligned table, or one JSON object per line.
func printList(
    _ objects: [[String: Any]], _ columns: [(header: String, key: String)], json: Bool, footer: String? = nil
) {
    if json {
        for object in objects { print(jsonLine(object)) }
        return
    }
    var table = TextTable(header: columns.map(\.header))
    for object in objects.map(typedDates) {
        table.rows.append(columns.map { column in object[column.key].map { $0 is NSNull ? "" : display($0) } ?? "" })
    }
    print(table.render())
    if let footer { print("\n" + footer) }
}

/// `cadencectl item …`: the rectification ledger (整改台账).
struct ItemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "item",
        abstract: "The rectification ledger: add, list, show and move items through their lifecycle.",
        discussion: """
            An item goes open → in-progress → rectified → verified and closed (挂牌销号). It may be \
            deferred (plan, explanation, new date), referred upward (escalation pauses) or reopened \
            (flagged: straight to accountability when overdue again). Warnings come 7 and 1 days \
            before the deadline, the overdue notice at the instant, then circular, talk and \
            accountability (cadenced.conf [Ledger]).

            Examples:
              cadencectl item add --unit county-a --title '值班制度未落实' --deadline +10wd --direct 'Zhang San'
              cadencectl item list --unit county-a --state open
              cadencectl item rectified 42 --note '已修订值班制度'
              cadencectl item verify 42 --by 'Inspector Li'
              cadencectl item defer 43 --until 2027-06-30 --plan '列入明年预算' --explanation '需要资金'
            """,
        subcommands: [
            Add.self, List.self, Show.self, Progress.self, Rectified.self, Verify.self, Close.self, Reject.self,
            Defer.self, Refer.self, Reopen.self, Reply.self, Edit.self, Remove.self,
        ])

    /// What `item show` prints: the item's fields that have a label, in their order.
    static let fields: [(label: String, key: String)] = RectificationItem.fields.compactMap { field in
        field.label.map { ($0, "\(field.name)") }
    }

    /// A recorded stage as a person says it: `warn-604800s` → "7-day warning", `r1/talk` →
    /// "talk (约谈), round 2".
    static func stageWords(_ stored: String) -> String {
        guard let (round, stage) = ItemStage.parse(stored: stored) else { return stored }
        let words = stageWords(stage)
        return round == 0 ? words : "\(words), round \(round + 1)"
    }

    private static func stageWords(_ stage: ItemStage) -> String {
        let words: String
        switch stage {
        case .warning(let before):
            let seconds = before.components.seconds
            words =
                seconds % 86_400 == 0
                ? "\(seconds / 86_400)-day warning"
                : seconds % 3600 == 0
                    ? "\(seconds / 3600)-hour warning"
                    : "warning \(seconds) s before"
        case .overdue: words = "overdue"
        case .escalation(let level):
            switch level {
            case .circular: words = "circular (通报)"
            case .talk: words = "talk (约谈)"
            case .accountability: words = "accountability (责任追究)"
            }
        case .reminder(let after, let count):
            words = "still overdue, reminder \(count) after " + stageWords(after)
        }
        return words
    }

    static func report(_ reply: [String: Any], json: Bool, _ message: String) {
        let item = reply["item"] as? [String: Any] ?? [:]
        print(json ? jsonLine(item) : "\(message) item #\(item["id"] ?? "?") (now \(item["state"] ?? "?")).")
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an open item (needs write access).",
            discussion: """
                The deadline is YYYY-MM-DD (due at DeadlineTime= that day), +N days, +Nwd working \
                days, or an ISO 8601 instant; it must be in the future. Responsible people are names \
                or roles of the unit (@first, @main, @direct): a role follows its holder. The first \
                responsible person defaults to @first and is required.

                A problem that came back after it was reported rectified or closed is added with \
                --recurrence-of EARLIER: the two are linked (item show shows the chain) and the new one is \
                flagged: overdue, it goes straight to accountability. A problem found after a review or \
                inspection of the unit that did not find it is added with --missed-by REVIEW (its number \
                in review list): linked and flagged the same way.

                Examples:
                  cadencectl item add --unit county-a --title '值班制度又未落实' --deadline +10wd --recurrence-of 17
                  cadencectl item add --unit county-a --title '消防通道堵塞' --source media --deadline +5wd --missed-by 42
                """)
        @OptionGroup var socket: SocketOptions
        @Option(help: "The unit that answers for it (its id).") var unit: String
        @Option(help: "What is to be rectified.") var title: String
        @Option(help: "YYYY-MM-DD, +N, +Nwd or an ISO 8601 instant.") var deadline: String
        @Option(help: "The earlier item (rectified or closed) whose problem came back.") var recurrenceOf: Int?
        @Option(
            help: "The public appraisal (review number) that found it; its source then defaults to public-appraisal.")
        var appraisal: Int?
        @Option(help: "The review or inspection of the unit (review number) that did not find it.") var missedBy: Int?
        @OptionGroup var fields: ItemFieldOptions
        @Flag(help: "Print the item as JSON.") var json = false

        func run() throws {
            let call = AddItemCall {
                ($0.recurrenceOf, $0.appraisal, $0.missedBy) = (recurrenceOf, appraisal, missedBy)
                ($0.unit, $0.title, $0.deadline, $0.source) = (unit, title, deadline, fields.source)
                ($0.scope, $0.urgency, $0.difficulty) = (fields.scope, fields.urgency, fields.difficulty)
                ($0.texts, $0.first, $0.main, $0.direct) = (fields.texts, fields.first, fields.main, fields.direct)
            }
            ItemCommand.report(try socket.call(call), json: json, "Added")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List items, earliest deadline first.")
        @OptionGroup var socket: SocketOptions
        @Option(help: "Only this unit's items.") var unit: String?
        @Option(help: "Only items in this state.") var state: ItemState?
        @Flag(help: "Only overdue items.") var overdue = false
        @Option(help: "At most this many (1-1000000).") var limit = 1000
        @Flag(help: "Print one JSON object per item.") var json = false

        func run() throws {
            let call = ListItemsCall { ($0.unit, $0.overdueOnly, $0.state, $0.limit) = (unit, overdue, state, limit) }
            if json { return try socket.printJSONLines(call, key: "items") }
            printItems(try socket.call(call), json: false)
        }
    }

    struct Reply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the reply given to a complainant (needs write access).",
            discussion: """
                A complaint item is answered within ComplaintReplyDays= working days of being recorded \
                (item show says by when), and cannot be closed before its reply is recorded.

                Example:
                  cadencectl item reply 23 '已电话答复投诉人，整改方案已公示'
                """)
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The item number.") var id: Int
        @Argument(help: "What the complainant was told.") var reply: String
        @Flag(help: "Print the item as JSON.") var json = false

        func run() throws {
            ItemCommand.report(
                try socket.call(ReplyItemCall { ($0.id, $0.reply) = (Int64(id), reply) }), json: json,
                "Recorded the reply to")
        }
    }

    struct Progress: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record work under way (open → in-progress).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The item number.") var id: Int
        @Option(help: "What was done.") var note: String?
        @Flag(help: "Print the item as JSON.") var json = false

        func run() throws {
            let call = UpdateItemCall(Int64(id), .progress) { $0.note = note }
            ItemCommand.report(try socket.call(call), json: json, "Updated")
        }
    }

    struct Rectified: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim it rectified; it then waits for verification (still overdue after its deadline).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The item number.") var id: Int
        @Option(help: "How it was rectified.") var note: String?
        @Flag(help: "Print the item as JSON.") var json = false

        func run() throws {
            let call = UpdateItemCall(Int64(id), .rectified) { $0.note = note }
            ItemCommand.report(try socket.call(call), json: json, "Marked rectified")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a rectified item against its acceptance criteria and strike it off (挂牌销号).",
            discussion: "The verifier must not be the direct responsible person; by default it is you.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The item number.") var id: Int
        @Option(help: "Who verified (default: your user name).") var by: String?
        @Option(help: "The verification's findings.") var note: String?
        @Flag(help: "Print the item as JSON.") var json = false

        func run() throws {
            let call = UpdateItemCall(Int64(id), .verify) { ($0.note, $0.by) = (note, by) }
            ItemCommand.report(try socket.call(call), json: json, "Verified and closed")
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The same as verify.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The item number.") var id: Int
        @Option(help: "Who verified (default: your user name).") var by: String?
        @Flag(help: "Print the item as JSON.") var json = false

        func run() throws {
            ItemCommand.report(
                try socket.call(CloseItemCall { ($0.id, $0.by) = (Int64(id), by) }), json: json, "Verified and closed")
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verification failed: back to in-progress, with the reason.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The item number.") var id: Int
        @Option(help: "Why it does not meet the acceptance criteria.") var reason: String
        @Flag(help: "Print the item as JSON.") var json = false

        func run() throws {
            ItemCommand.report(
                try socket.call(UpdateItemCall(Int64(id), .reject) { $0.note = reason }), json: json, "Rejected")
        }
    }

    struct Defer: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Not yet rectifiable: a plan, a public explanation and a new target date.",
            discussion: "Warnings and escalation start again against the new date.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The item number.") var id: Int
        @Option(help: "The new target: YYYY-MM-DD, +N, +Nwd or an instant.") var until: String
        @Option(help: "The rectification plan.") var plan: String
        @Option(help: "The explanation made public.") var explanation: String
        @Flag(help: "Print the item as JSON.") var json = false

        func run() throws {
            ItemCommand.report(
                try socket.call(
                    UpdateItemCall(Int64(id), .deferral) {
                        ($0.deadline, $0.plan, $0.explanation) = (until, plan, explanation)
                    }),
                json: json, "Deferred")
        }
    }

    struct Refer: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Refer it upward, beyond the unit's power; escalation pauses until progress resumes it.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The item number.") var id: Int
        @Option(help: "The body it goes to.") var to: String
        @Flag(help: "Print the item as JSON.") var json = false

        func run() throws {
            ItemCommand.report(
                try socket.call(UpdateItemCall(Int64(id), .refer) { $0.referredTo = to }), json: json, "Referred")
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct an item's fields (needs write access); each change and why in the history.",
            discussion: """
                Gives new values to what was recorded wrongly: the problem's wording, where it was \
                found (a later circular from above: --source superior-circular, which sends it \
                straight to accountability when overdue), its category, measures or acceptance \
                criteria, its responsible people. --reason is required and kept with the change. \
                The deadline is changed by defer or reopen, which keep the original.

                Example:
                  cadencectl item edit 17 --title '值班制度未落实（夜班）' --reason '台账录入有误'
                  cadencectl item edit 17 --source superior-circular --reason '市局通报 2026 第 3 期'
                """)
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The item number.") var id: Int
        @Option(help: "Why it is corrected (kept in the history).") var reason: String
        @Option(help: "What is to be rectified.") var title: String?
        @OptionGroup var fields: ItemFieldOptions
        @Flag(help: "Print the item as JSON.") var json = false

        func run() throws {
            let call = EditItemCall {
                ($0.id, $0.reason, $0.title, $0.source) = (Int64(id), reason, title, fields.source)
                ($0.scope, $0.urgency, $0.difficulty) = (fields.scope, fields.urgency, fields.difficulty)
                ($0.texts, $0.first, $0.main, $0.direct) = (fields.texts, fields.first, fields.main, fields.direct)
            }
            let reply = try socket.call(call)
            if json { return print(jsonLine(reply["item"] as? [String: Any] ?? [:])) }
            let changed = reply["changed"] as? [String] ?? []
            print("Corrected item #\(id): \(changed.joined(separator: ", ")).")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take out an item added by mistake (needs write access).",
            discussion: """
                Refused once the item has a history beyond its creation (progress, deferral, \
                verification...) unless --force. The removal is kept in the history with the item's \
                fields; the notices it already had stay. The item's number is not given to another.

                Example:
                  cadencectl item remove 17
                """)
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The item number.") var id: Int
        @Flag(help: "Remove it although people have acted on it.") var force = false
        @Flag(help: "Print the removed item as JSON.") var json = false

        func run() throws {
            ItemCommand.report(
                try socket.call(RemoveItemCall { ($0.id, $0.force) = (Int64(id), force) }), json: json, "Removed")
        }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The problem came back: reopen a closed item, flagged for accountability.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The item number.") var id: Int
        @Option(help: "What recurred.") var reason: String
        @Option(help: "The new deadline: YYYY-MM-DD, +N, +Nwd or an instant.") var deadline: String
        @Flag(help: "Print the item as JSON.") var json = false

        func run() throws {
            ItemCommand.report(
                try socket.call(UpdateItemCall(Int64(id), .reopen) { ($0.note, $0.deadline) = (reason, deadline) }),
                json: json, "Reopened")
        }
    }
}

/// The fields of an item that `item add` and `item edit` both take.
struct ItemFieldOptions: ParsableArguments {
    @Option(help: "Where it was found.") var source: ItemSource?
    @Option(help: "Who it concerns.") var scope: ItemScope?
    @Option(help: "How urgent it is.") var urgency: ItemPriority?
    @Option(help: "How hard it is to rectify.") var difficulty: ItemPriority?
    @Option(help: ArgumentHelp(ItemText.category.info.help)) var category: String?
    @Option(help: ArgumentHelp(ItemText.measures.info.help)) var measures: String?
    @Option(help: ArgumentHelp(ItemText.acceptance.info.help)) var acceptance: String?
    @Option(help: "First responsible person (item add: default @first).") var first: String?
    @Option(help: "Main responsible person.") var main: String?
    @Option(help: "Direct responsible person.") var direct: String?

    var texts: ItemTexts {
        let given: [ItemText: String?] = [.category: category, .measures: measures, .acceptance: acceptance]
        return ItemTexts { given[$0] ?? nil }
    }
}
