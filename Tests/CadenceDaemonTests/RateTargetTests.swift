import CadenceConfiguration
import CadenceCore
import CadenceDaemon
import CadenceStore
import Foundation
import Testing

@Suite("The evaluation's rate targets, the office's own (R12)")
struct RateTargetTests {
    @Test(
        "A target reads as the office writes it",
        arguments: [
            ("100%", 1.0, false), ("95%", 0.95, false), ("≥95%", 0.95, false), (">=95", 0.95, false),
            (">95%", 0.95, true), ("> 92.5%", 0.925, true), ("0%", 0.0, false),
        ] as [(String, Double, Bool)])
    func targets(text: String, value: Double, strict: Bool) throws {
        let target = try #require(RateTarget(text))
        #expect(target.value.map { abs($0 - value) < 1e-9 } == true && target.strict == strict)
        #expect(RateTarget("none") == RateTarget(nil))
    }

    @Test("What is no target is refused", arguments: ["", "x", "190%", ">100%", "95.55%", "-5%", "９５%", "95%%"])
    func notTargets(text: String) {
        #expect(RateTarget(text) == nil)
    }

    // Bad input tried: an unknown rate, a target over 100 %, "more than 100 %", a rate without a
    // target, a malformed number.
    @Test(
        "A bad Target= is refused at its line, naming the rates",
        arguments: [
            ("Target=happiness 90%", "cadenced.conf:2: Target= 'happiness 90%' is not a rate and its target"),
            (
                "Target=satisfaction 190%",
                "cadenced.conf:2: Target= 'satisfaction 190%' has the target '190%', which is not a percentage"
            ),
            ("Target=satisfaction >100%", "the target '>100%', which is not"),
            ("Target=satisfaction", "is not a rate and its target (satisfaction >95%; rates: fulfilment,"),
            ("Target=satisfaction 9x%", "the target '9x%', which is not"),
        ])
    func badTargets(line: String, message: String) throws {
        do {
            _ = try DaemonConfiguration.parse(
                main: IniSource(fileName: "cadenced.conf", text: "[Evaluation]\n" + line + "\n"), dropIns: [])
            Issue.record("accepted: \(line)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }

    @Test("The report states the office's targets and judges each rate against them; the others keep the campaign's")
    func reportUsesTargets() throws {
        let conf =
            "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n[Evaluation]\nTarget=rectification 50%\n"
            + "Target=on-time-closure >40%\nTarget=fulfilment none\n"
        let ledger = try InProcessLedger(conf: conf, now: inShanghai("2026-03-01", 9))
        let store = ledger.manager.store
        try store.addUnits(
            [
                NewUnit(id: "city", name: "示例市卫生局", kind: .bureau),
                NewUnit(id: "county-a", name: "甲县卫生局", kind: .countyBureau, parent: "city"),
            ], at: inShanghai("2026-01-01"), actor: nil)
        _ = try ledger.call("AssignRole", ["unit": "county-a", "role": "first", "person": "王示例"])
        // Two items on the ledger, one of them closed: rectification 1 of 2 = 50 %.
        ledger.now = inShanghai("2026-01-10", 9)
        var ids: [Any] = []
        for title in ["示例问题一", "示例问题二"] {
            let item = try ledger.call("AddItem", ["unit": "county-a", "title": title, "deadline": "2026-02-20"])
            ids.append((item["item"] as? [String: Any])?["id"] ?? 0)
        }
        ledger.now = inShanghai("2026-02-10", 9)
        _ = try ledger.call("UpdateItem", ["id": ids[0], "action": "rectified", "note": "已整改"])
        _ = try ledger.call("UpdateItem", ["id": ids[0], "action": "verify", "by": "验收人示例"])
        ledger.now = inShanghai("2026-03-01", 9)
        let reply = try ledger.call("Evaluate", ["year": 2026, "format": "json"])
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data((reply["text"] as? String ?? "").utf8)) as? [String: Any])
        let rates = Dictionary(
            uniqueKeysWithValues: (json["rates"] as? [[String: Any]] ?? []).map { ($0["key"] as? String ?? "", $0) })
        #expect(rates["rectification"]?["target"] as? Double == 50)
        #expect(rates["rectification"]?["meetsTarget"] as? Bool == true, "50 % is at least 50 %")
        #expect(rates["on-time-closure"]?["target"] as? Double == 40)
        #expect(rates["on-time-closure"]?["targetStrict"] as? Bool == true)
        #expect(rates["fulfilment"]?["target"] is NSNull, "no target: \(String(describing: rates["fulfilment"]))")
        #expect(rates["petition-closure"]?["target"] as? Double == 100, "the campaign's")
        let page = try ledger.call("Evaluate", ["year": 2026, "format": "md"])["text"] as? String ?? ""
        #expect(page.contains("| ≥ 50% |") && page.contains("| > 40% |"), "\(page)")
    }
}
