import CadenceCore
import Foundation
import Testing

@testable import CadenceControl

/// Reads a call back from the JSON it writes, as the daemon receives it.
private func readBack<Call: LedgerCall>(_ call: Call) throws -> Call {
    try Call(reading: parameters(call.json()))
}

/// Whether `call` reads back as itself, and how many parameters its JSON has.
private func readsBack<Call: TabledCall>(_ call: Call) throws -> (Bool, Int, Int) {
    (try readBack(call) == call, try parameters(call.json()).values.count, Call.parameters.count)
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
        let full = AddItemCall {
            ($0.unit, $0.title, $0.deadline, $0.source) = (
                "county-a", "值班制度未落实 \"quoted\"\n", "+10wd", .superiorCircular
            )
            ($0.scope, $0.urgency, $0.difficulty) = (.leadershipTeam, .high, .low)
            $0.texts = ItemTexts { [.category: "制度", .measures: "修订制度", .acceptance: "制度上墙"][$0] }
            ($0.first, $0.main, $0.direct) = ("@first", "Deputy Wu", "Clerk Zhao")
        }
        // Text is trimmed as the daemon reads it: the title's trailing newline goes.
        var expected = full
        expected.title = "值班制度未落实 \"quoted\""
        #expect(try readBack(full) == expected)
        let minimal = AddItemCall { ($0.unit, $0.title, $0.deadline) = ("county-a", "Roster", "2027-01-31") }
        #expect(try readBack(minimal) == minimal)

        #expect(try readBack(GetItemCall { $0.id = 42 }) == GetItemCall { $0.id = 42 })
        for call in [
            ListItemsCall(),
            ListItemsCall { ($0.unit, $0.overdueOnly, $0.state, $0.limit) = ("county-a", true, .deferred, 5) },
        ] {
            #expect(try readBack(call) == call)
        }
        for action in ItemTransition.allCases {
            let call = UpdateItemCall(7, action) {
                ($0.note, $0.by, $0.deadline, $0.plan) = ("n", "Inspector Li", "2027-06-30", "p")
                ($0.explanation, $0.referredTo) = ("e", "City office")
            }
            #expect(try readBack(call) == call)
            #expect(try readBack(UpdateItemCall(7, action)) == UpdateItemCall(7, action))
        }
        let remove = RemoveItemCall { ($0.id, $0.force) = (3, true) }
        #expect(try readBack(remove) == remove)
        #expect(try readBack(CloseItemCall { $0.id = 3 }) == CloseItemCall { $0.id = 3 })
        #expect(CloseItemCall { ($0.id, $0.by) = (3, "Li") }.update == UpdateItemCall(3, .verify) { $0.by = "Li" })
    }

    @Test("The campaign's calls, with every parameter set, read back as the same value")
    func campaignRoundTrips() throws {
        let day = try #require(LocalDate("2027-03-15"))
        let calls: [any TabledCall] = [
            AddUnitCall {
                ($0.id, $0.name, $0.kind, $0.parent, $0.quota) = ("county-a", "示例县", .countyBureau, "city", 4)
                ($0.specialty, $0.grade, $0.liaison, $0.holidays) = ("疾控", "二级", "Liaison Sun", "cn-xinjiang")
            },
            GetUnitCall { $0.id = "county-a" }, ListUnitsCall { ($0.parent, $0.includeRemoved) = ("city", true) },
            RemoveUnitCall { $0.id = "county-a" },
            AssignRoleCall { ($0.unit, $0.role, $0.person) = ("county-a", .liaison, "Liaison Sun") },
            ListRolesCall { ($0.unit, $0.includePast) = ("county-a", true) },
            AddCommitmentCall {
                ($0.unit, $0.text, $0.year, $0.member) = ("county-a", "全年义诊 12 次", 2027, "Member Qian")
                ($0.post, $0.direction, $0.publishedOn) = ("医生", "organisation→members", day)
            },
            ListCommitmentsCall { ($0.unit, $0.year, $0.limit) = ("county-a", 2027, 20) },
            EvaluateCommitmentCall { ($0.id, $0.status, $0.period, $0.note) = (9, .partial, "2027-Q1", "过半") },
            RecordReviewCall {
                ($0.unit, $0.kind, $0.cadence, $0.period, $0.heldOn) = ("county-a", .inspection, "insp", "2027-H1", day)
                ($0.form, $0.reviewer, $0.byUnit, $0.subject) = (
                    ReviewForm.allCases.first, "Inspector Li", "city", "班子"
                )
                ($0.outcome, $0.override) = ("好", true)
                ($0.formsReturned, $0.satisfied, $0.members, $0.membersAppraised) = (100, 90, 20, 18)
            },
            RemoveReviewCall { ($0.id, $0.reason) = (4, "录错单位") },
            ListReportsCall { ($0.unit, $0.month, $0.limit) = ("county-a", "2027-03", 9) },
            RemoveReportCall { ($0.id, $0.reason) = (5, "重复录入") },
            PrintLedgerCall { ($0.unit, $0.language) = ("county-a", .zh) },
            CommitmentBoardCall {
                ($0.unit, $0.year, $0.format, $0.language, $0.mask) = ("county-a", 2027, .csv, .en, true)
            },
            ReplyItemCall { ($0.id, $0.reply) = (8, "已答复") },
            ListReviewsCall { ($0.unit, $0.kind, $0.period, $0.limit) = ("county-a", .appraisal, "2027-H1", 3) },
            SubmitReportCall {
                ($0.unit, $0.title, $0.month, $0.submittedOn) = ("county-a", "义诊简报", "2027-03", day)
                ($0.liaison, $0.recipient) = ("Liaison Sun", "City office")
            },
            GetQuotaCall { ($0.month, $0.all) = ("2027-03", true) },
            ListNoticesCall { ($0.kind, $0.unit, $0.limit, $0.key) = (.overdue, "county-a", 7, "item/9/overdue") },
            ListHistoryCall { ($0.limit, $0.item, $0.unit) = (5, 9, "county-a") }, GetStatusCall(),
            ImportCall { ($0.kind, $0.format, $0.text, $0.dryRun, $0.update) = (.units, .json, "[]", true, true) },
            ExportCall { ($0.kind, $0.format, $0.unit, $0.mask) = (.commitments, .json, "county-a", true) },
            EvaluateCall {
                ($0.year, $0.variant, $0.unit, $0.format) = (2026, .midYear, "county-a", .html)
                ($0.language, $0.mask, $0.asOf) = (.en, true, "2026-06-30")
            },
        ]
        for call in calls {
            let (same, written, parameters) = try readsBack(call)
            #expect(same, "\(type(of: call).method)")
            // Every parameter was set, so every one went through the writer and the reader.
            #expect(written == parameters, "\(type(of: call).method)")
        }
        #expect(Set(calls.map { type(of: $0).method }).count == calls.count)
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
        // Wrapped under its parenthesis, each line as full as 100 columns allow; the parameters in order.
        let lines = AddItemCall.definition.split(separator: "\n").map(String.init)
        let indent = String(repeating: " ", count: "method AddItem(".count)
        #expect(lines.count >= 2)
        #expect(lines.allSatisfy { $0.count <= 100 })
        #expect(
            lines[0]
                == "method AddItem(unit: string, title: string, deadline: string, recurrenceOf: ?int, appraisal: ?int,"
        )
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(indent) && !$0.hasPrefix(indent + " ") })
        for (line, next) in zip(lines, lines.dropFirst()) {
            // The next line's first parameter (with its comma) did not fit after a space.
            let rest = next.drop { $0 == " " }
            let parameter = rest.prefix { $0 != "," && $0 != ")" }
            let width = parameter.count + (rest.dropFirst(parameter.count).first == "," ? 1 : 0)
            #expect(line.count + 1 + width >= 100, "\(line)")
        }
        #expect(lines.last?.hasSuffix("direct: ?string) -> (item: Item)") == true)
        let names = lines.joined(separator: " ").split(separator: "(")[1].split(separator: ")")[0]
            .split(separator: ",").map { $0.split(separator: ":")[0].trimmingCharacters(in: .whitespaces) }
        #expect(names == AddItemCall.signature.map(\.name))
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
