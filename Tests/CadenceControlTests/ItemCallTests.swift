import CadenceCore
import Foundation
import Testing

@testable import CadenceControl

/// Reads a call back from the JSON it writes, as the daemon receives it.
private func readBack<Call: LedgerCall>(_ call: Call) throws -> Call {
    try Call(reading: parameters(call.json()))
}

private func parameters(_ json: RawJSON) throws -> ControlParameters {
    ControlParameters(try #require(try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: Any]))
}

private func parameters(_ text: String) throws -> ControlParameters {
    ControlParameters(try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]))
}

@Suite("Typed item calls: what cadencectl writes is what the daemon reads")
struct ItemCallTests {
    @Test("Each item call, with every parameter and with the fewest, reads back as the same value")
    func roundTrips() throws {
        let full = AddItemCall(
            unit: "county-a", title: "值班制度未落实 \"quoted\"\n", deadline: "+10wd", source: .superiorCircular,
            scope: .leadershipTeam, urgency: .high, difficulty: .low,
            texts: ItemTexts { [.category: "制度", .measures: "修订制度", .acceptance: "制度上墙"][$0] },
            first: "@first", main: "Deputy Wu", direct: "Clerk Zhao")
        // Text is trimmed as the daemon reads it: the title's trailing newline goes.
        var expected = full
        expected.title = "值班制度未落实 \"quoted\""
        #expect(try readBack(full) == expected)
        let minimal = AddItemCall(unit: "county-a", title: "Roster", deadline: "2027-01-31")
        #expect(try readBack(minimal) == minimal)

        #expect(try readBack(GetItemCall(id: 42)) == GetItemCall(id: 42))
        for call in [
            ListItemsCall(), ListItemsCall(unit: "county-a", overdueOnly: true, state: .deferred, limit: 5),
        ] {
            #expect(try readBack(call) == call)
        }
        for action in ItemTransition.allCases {
            let call = UpdateItemCall(
                id: 7, action: action, note: "n", by: "Inspector Li", deadline: "2027-06-30", plan: "p",
                explanation: "e", referredTo: "City office")
            #expect(try readBack(call) == call)
            #expect(try readBack(UpdateItemCall(id: 7, action: action)) == UpdateItemCall(id: 7, action: action))
        }
        #expect(try readBack(RemoveItemCall(id: 3, force: true)) == RemoveItemCall(id: 3, force: true))
        #expect(try readBack(CloseItemCall(id: 3)) == CloseItemCall(id: 3))
        #expect(CloseItemCall(id: 3, by: "Li").update == UpdateItemCall(id: 3, action: .verify, by: "Li"))
    }

    @Test("A call the daemon cannot take is refused with the parameter and the reason, as the socket answers it")
    func badInput() throws {
        let cases: [(String, any LedgerCall.Type, VarlinkError)] = [
            (#"{"id": "42"}"#, GetItemCall.self, .invalidParameter("id")),
            (#"{"id": true}"#, GetItemCall.self, .invalidParameter("id")),
            (#"{}"#, GetItemCall.self, .invalidParameter("id")),
            (#"{"unit": "a", "deadline": "+1"}"#, AddItemCall.self, .invalidParameter("title")),
            (
                #"{"unit": "a", "title": "  ", "deadline": "+1"}"#, AddItemCall.self,
                .invalidArgument("title", "is empty")
            ),
            (
                #"{"unit": "\#(String(repeating: "u", count: 101))", "title": "t", "deadline": "+1"}"#,
                AddItemCall.self, .invalidArgument("unit", "is longer than 100 bytes")
            ),
            (
                #"{"unit": "a", "title": "t", "deadline": "+1", "source": "rumour"}"#, AddItemCall.self,
                .invalidArgument("source", ItemSource.named("rumour").failureText)
            ),
            (
                #"{"id": 1, "action": "done"}"#, UpdateItemCall.self,
                .invalidArgument("action", "'done' is not one of: " + ItemTransition.names)
            ),
            (#"{"id": 1}"#, UpdateItemCall.self, .invalidParameter("action")),
            (
                #"{"state": "removed"}"#, ListItemsCall.self,
                .invalidArgument("state", ItemState.named("removed").failureText)
            ),
            (
                #"{"limit": 0}"#, ListItemsCall.self,
                .invalidArgument("limit", "must be between 1 and 1000000, got 0")
            ),
            (#"{"overdueOnly": 1}"#, ListItemsCall.self, .invalidParameter("overdueOnly")),
            (#"{"id": 1, "force": "yes"}"#, RemoveItemCall.self, .invalidParameter("force")),
            (#"{"id": 1, "by": "a\u0000b"}"#, CloseItemCall.self, .invalidArgument("by", "contains a NUL character")),
        ]
        for (text, type, expected) in cases {
            let p = try parameters(text)
            #expect(throws: expected, "\(type.method) \(text)") { _ = try type.init(reading: p) }
        }
    }

    @Test(
        "The interface's item methods are made from the calls' parameter lists, their parameters wrapped at 100 columns"
    )
    func interfaceLines() {
        #expect(GetItemCall.definition == "method GetItem(id: int) -> (item: Item)")
        #expect(
            ListItemsCall.definition
                == "method ListItems(unit: ?string, overdueOnly: ?bool, state: ?string, limit: ?int) -> (items: []Item, total: int)"
        )
        let lines = AddItemCall.definition.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.count <= 100 })
        #expect(lines[0].hasPrefix("method AddItem(unit: string, title: string, deadline: string,"))
        #expect(lines[0].hasSuffix("scope: ?string,"))
        #expect(lines[1].hasPrefix(String(repeating: " ", count: "method AddItem(".count) + "urgency: ?string,"))
        #expect(lines[2].hasSuffix("direct: ?string) -> (item: Item)"))
        let calls: [any LedgerCall.Type] = [
            AddItemCall.self, GetItemCall.self, ListItemsCall.self, UpdateItemCall.self, RemoveItemCall.self,
            CloseItemCall.self,
        ]
        for call in calls {
            #expect(LedgerInterface.description.contains("\n" + call.definition + "\n"), "\(call.method)")
            #expect(Set(call.signature.map(\.name)).count == call.signature.count, "\(call.method)")
        }
    }
}

extension Result where Failure == VocabularyError {
    /// The reason a name was refused.
    fileprivate var failureText: String {
        if case .failure(let error) = self { return error.description }
        return ""
    }
}
