import ArgumentParser
import CadenceControl
import CadenceCore
import Foundation

/// `cadencectl person …`: the directory of people who are reached.
struct PersonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "person", abstract: "Add, list, show and remove people of the directory.",
        discussion: """
            A role holder (cadencectl role assign UNIT ROLE PERSON) or an item's responsible \
            person names a person by id, or by a name only one person of the directory has. \
            Notices for them go to every address the directory has for them (today: e-mail), \
            through the delivery service cadenced-deliver; cadencectl deliveries shows each message.

            Examples:
              cadencectl person add p-chen --name 'Chen Yi' --unit county-a --email chen.yi@example.org
              cadencectl role assign county-a first p-chen
              cadencectl person list --unit county-a
            """,
        subcommands: [Add.self, List.self, Show.self, Remove.self], defaultSubcommand: List.self)

    static let columns: [(header: String, key: String)] = [
        ("ID", "id"), ("NAME", "name"), ("UNIT", "unit"), ("MOBILE", "mobile"), ("E-MAIL", "email"),
    ]

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a person (needs write access).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Their id: no spaces or '/', as used on the command line.") var id: String
        @Option(help: "Their name, as roles and items may name them.") var name: String
        @Option(help: "The unit they work in.") var unit: String?
        @Option(help: "Mobile number (for @-mentions in chat robots).") var mobile: String?
        @Option(help: "E-mail address.") var email: String?
        @Option(help: "DingTalk user id.") var dingtalk: String?
        @Option(help: "WeCom user id.") var wecom: String?
        @Option(help: "Feishu user id.") var feishu: String?
        @Option(help: "The Unix account that acts as this person.") var account: String?
        @Flag(help: "Print the person as JSON.") var json = false

        func run() throws {
            let call = AddPersonCall {
                ($0.id, $0.name, $0.unit, $0.mobile, $0.email) = (id, name, unit, mobile, email)
                ($0.dingtalk, $0.wecom, $0.feishu, $0.account) = (dingtalk, wecom, feishu, account)
            }
            let person = try socket.call(call)["person"] as? [String: Any] ?? [:]
            print(json ? jsonLine(person) : "Added \(name) (\(id)) to the directory.")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the directory by id.")
        @OptionGroup var socket: SocketOptions
        @Option(help: "Only the people of this unit.") var unit: String?
        @Flag(help: "Include removed people.") var all = false
        @Flag(help: "Print one JSON object per person.") var json = false

        func run() throws {
            let persons =
                try socket.call(ListPersonsCall { ($0.unit, $0.includeRemoved) = (unit, all) })["persons"]
                as? [[String: Any]] ?? []
            printList(persons, PersonCommand.columns, json: json, footer: "\(persons.count) people.")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a person and their addresses.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The person's id.") var id: String
        @Flag(help: "Print the person as JSON.") var json = false

        func run() throws {
            let person = try socket.call(GetPersonCall { $0.id = id })["person"] as? [String: Any] ?? [:]
            if json {
                print(jsonLine(person))
                return
            }
            printRecord(
                person,
                PersonRecord.wireFields.compactMap { field in field.label.map { ($0, "\(field.name)") } }
                    + [("Removed", "removed")])
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a person out of the directory; the history keeps who they were.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The person's id.") var id: String

        func run() throws {
            _ = try socket.call(RemovePersonCall { $0.id = id })
            print("Removed \(id) from the directory.")
        }
    }
}

/// `cadencectl deliveries …`: the outbox of messages to people.
struct DeliveriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries", abstract: "Show what became of each message to a person; send failed ones again.",
        discussion: """
            Each notice becomes one message per person it is for and per channel that person has \
            (e-mail). States: waiting (not sent yet, or tried again later after a passing failure), \
            sent, failed (refused for good or failing after every attempt; a delivery-failed \
            notice says so).

            Examples:
              cadencectl deliveries
              cadencectl deliveries list --state failed
              cadencectl deliveries retry 42
            """,
        subcommands: [List.self, Retry.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the newest messages, oldest first.")
        @OptionGroup var socket: SocketOptions
        @Option(help: "Only messages in this state.") var state: DeliveryState?
        @Option(help: "Only messages to this person (id).") var person: String?
        @Option(help: "The newest this many (1-1000000).") var limit = 100
        @Flag(help: "Print one JSON object per message.") var json = false

        func run() throws {
            let call = ListDeliveriesCall { ($0.state, $0.person, $0.limit) = (state, person, limit) }
            let deliveries = try socket.call(call)["deliveries"] as? [[String: Any]] ?? []
            printList(
                deliveries,
                [
                    ("ID", "id"), ("STATE", "state"), ("TO", "personName"), ("CHANNEL", "channel"),
                    ("ADDRESS", "address"), ("TRIES", "attempts"), ("SUBJECT", "subject"), ("WHY", "error"),
                ], json: json, footer: "\(deliveries.count) messages.")
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a failed message again, to the address the directory has now (needs write access).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The message's id (cadencectl deliveries --state failed).") var id: Int64

        func run() throws {
            let delivery = try socket.call(RetryDeliveryCall { $0.id = id })["delivery"] as? [String: Any] ?? [:]
            print("Message \(id) to \(delivery["personName"] ?? "") will be sent again.")
        }
    }
}

/// `cadencectl notify test PERSON`: is this person reached?
struct NotifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify", abstract: "Check that notices reach a person.",
        subcommands: [Test.self], defaultSubcommand: Test.self)

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a test message through each channel a person has; report what became of each.",
            discussion: """
                The message goes into the outbox like any notice; cadenced-deliver sends it. This \
                waits for its report (--wait) and prints one line per channel. Exit status 0 when \
                every channel delivered, 1 when one failed or is still waiting (is cadenced-deliver \
                running? systemctl status cadenced-deliver).

                Example:
                  cadencectl notify test p-chen
                """)
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The person's id.") var person: String
        @Option(help: "Seconds to wait for the delivery service's report (0-3600).") var wait = 60

        func validate() throws {
            guard (0...3600).contains(wait) else { throw ValidationError("--wait must be from 0 to 3600 seconds") }
        }

        func run() throws {
            let sent = try socket.call(SendTestCall { $0.person = person })["deliveries"] as? [[String: Any]] ?? []
            let ids = Set(sent.compactMap { ($0["id"] as? NSNumber)?.int64Value })
            var rows = sent
            let deadline = ContinuousClock.now + .seconds(wait)
            while rows.contains(where: { $0["state"] as? String == DeliveryState.waiting.rawValue }),
                ContinuousClock.now < deadline
            {
                Thread.sleep(forTimeInterval: 0.25)
                let list =
                    try socket.call(ListDeliveriesCall { ($0.person, $0.limit) = (person, 1000) })["deliveries"]
                    as? [[String: Any]] ?? []
                rows = list.filter { ids.contains(($0["id"] as? NSNumber)?.int64Value ?? -1) }
            }
            var allSent = true
            for row in rows {
                let state = row["state"] as? String ?? ""
                let head = "\(row["channel"] ?? "") to \(row["personName"] ?? "") <\(row["address"] ?? "")>: "
                switch state {
                case DeliveryState.sent.rawValue:
                    print(head + "sent")
                case DeliveryState.waiting.rawValue:
                    allSent = false
                    print(
                        head + "still waiting after \(wait) s"
                            + ((row["error"] as? String).map { " (last attempt: \($0))" }
                                ?? " (is cadenced-deliver running? systemctl status cadenced-deliver)"))
                default:
                    allSent = false
                    print(head + "failed: \(row["error"] ?? "")")
                }
            }
            if !allSent { throw ExitCode(1) }
        }
    }
}
