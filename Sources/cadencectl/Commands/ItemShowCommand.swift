import ArgumentParser
import CadenceControl
import CadenceCore
import Foundation

extension ItemCommand {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one item and its history.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The item number.") var id: Int
        @Flag(help: "Print the item as JSON.") var json = false
        @Flag(help: "Mask the people named (孙三 → 孙*), for a copy that leaves the office.") var mask = false

        func run() throws {
            var item = try socket.call(GetItemCall { $0.id = Int64(id) })["item"] as? [String: Any] ?? [:]
            if mask { item = PersonMask.masked(item) }
            if json {
                print(jsonLine(item))
                return
            }
            var shown = item
            // In words, not the ledger's codes: "7-day warning, overdue, circular (通报)", round 1 first.
            if let stages = item["stages"] as? [String] { shown["stages"] = stages.map(ItemCommand.stageWords) }
            if let round = item["round"] as? Int { shown["round"] = round + 1 }
            printRecord(shown, ItemCommand.fields)
            // A recurrence: the chain of earlier items whose problem came back, newest first.
            var chain: [String] = []
            var earlier = item["recurrenceOf"] as? Int
            while let number = earlier, chain.count < 50 {
                let previous = try socket.call(GetItemCall { $0.id = Int64(number) })["item"] as? [String: Any] ?? [:]
                let state =
                    (previous["closedAt"] as? String).map { "closed \($0.prefix(10))" } ?? "\(previous["state"] ?? "?")"
                chain.append("#\(number) \(previous["title"] ?? "") (\(state))")
                earlier = previous["recurrenceOf"] as? Int
            }
            if !chain.isEmpty {
                print("\nThe same problem before, newest first:\n" + chain.map { "  " + $0 }.joined(separator: "\n"))
            }
            if let review = item["missedBy"] as? Int {
                let reviews =
                    try socket.call(ListReviewsCall { $0.unit = item["unit"] as? String })["reviews"]
                    as? [[String: Any]]
                    ?? []
                if let missed = reviews.first(where: { $0["id"] as? Int == review }) {
                    print(
                        "\nNot found by the \(missed["kind"] ?? "review") of \(missed["period"] ?? "?") held "
                            + "\(missed["heldOn"] ?? "?") (review #\(review)): flagged, overdue it goes to accountability."
                    )
                }
            }
            var entries = try socket.call(ListHistoryCall { $0.item = id })["entries"] as? [[String: Any]] ?? []
            if mask { entries = entries.map(PersonMask.masked) }
            if !entries.isEmpty {
                print("\nHistory:")
                printList(
                    entries, [("WHEN", "at"), ("USER", "user"), ("ACTION", "action"), ("DETAILS", "details")],
                    json: false)
            }
        }
    }
}
