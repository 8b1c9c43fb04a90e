import ArgumentParser
import CadenceControl
import CadenceCore
import Foundation

/// `cadencectl plan …`: the campaign plans and the deliverables handed in.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Show the campaign plans and record deliverables handed in.",
        discussion: """
            A plan is a file of plans.d in the configuration directory: its phases with their dates \
            as the plan's document gives them, and the deliverables due once. At each phase's start \
            and end the daemon emits a notice; at a deliverable's due day each unit that owes it and \
            has not handed it in gets an overdue item, closed when it is handed in. A plan's yearly \
            quotas and ranges count what units record: at each check day the daemon says which \
            units are below or above their count, and a range left is warned of when it happens.

            Examples:
              cadencectl plan
              cadencectl plan show district-hospital-2011
              cadencectl plan hand-in district-hospital-2011 实施方案上报 county-a --date 2011-10-19
              cadencectl plan record city-2011 岗位练兵 county-a --date 2011-05-12 --note 护理技能比武
            """,
        subcommands: [Show.self, HandIn.self, Record.self], defaultSubcommand: Show.self)

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each plan's phases with where today stands, and who has handed in each deliverable.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The plan's name (its file's, without .plan; default: every plan).") var plan: String?

        func run() throws {
            let reply = try socket.call(GetPlanCall { $0.plan = plan })
            print(reply["text"] as? String ?? "", terminator: "")
        }
    }

    struct HandIn: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hand-in",
            abstract: "Record that a unit handed in a deliverable (needs write access).",
            discussion: "Once per unit; the overdue item the unit got at the due day, if any, is closed.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The plan's name.") var plan: String
        @Argument(help: "The deliverable, as the plan names it.") var deliverable: String
        @Argument(help: "The unit's id.") var unit: String
        @Option(help: "Handed in on (YYYY-MM-DD, default today).") var date: LocalDate?
        @Option(help: "A note (what was handed in, to whom).") var note: String?

        func run() throws {
            let reply = try socket.call(
                HandInCall {
                    ($0.plan, $0.deliverable, $0.unit, $0.handedOn, $0.note) = (plan, deliverable, unit, date, note)
                })
            var line = "Recorded: \(unit) handed in \(deliverable) on \(reply["handedOn"] ?? "?")."
            if let closed = reply["closed"] as? [Any], !closed.isEmpty {
                line += " Closed overdue item " + closed.map { "#\($0)" }.joined(separator: ", ") + "."
            }
            print(line)
        }
    }

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record what a unit did towards a yearly quota or range of a plan (needs write access).",
            discussion: """
                A drill or competition held, an exemplar named, training days, a demonstration site \
                designated: each record counts towards the unit's total (a quota's within its year).
                """)
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The plan's name.") var plan: String
        @Argument(help: "The quota or range, as the plan names it.") var rule: String
        @Argument(help: "The unit's id.") var unit: String
        @Option(help: "On (YYYY-MM-DD, default today).") var date: LocalDate?
        @Option(help: "How many (default 1): training days, sites designated.") var count: Int?
        @Option(help: "A note (what was done, the evidence).") var note: String?

        func validate() throws {
            if let count, count < 1 { throw ValidationError("--count must be 1 or more") }
        }

        func run() throws {
            let reply = try socket.call(
                RecordCountCall {
                    ($0.plan, $0.rule, $0.unit, $0.day, $0.count, $0.note) = (plan, rule, unit, date, count, note)
                })
            print(
                "Recorded: \(unit) \(rule) +\(count ?? 1) on \(reply["day"] ?? "?"); its count is now \(reply["total"] ?? "?")."
            )
        }
    }
}
