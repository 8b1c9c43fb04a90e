import CadenceControl
import CadenceCore
@testable import CadenceDaemon
import CadenceStore
import Foundation
import Testing

/// An instant written `2027-01-01 09:00` in Asia/Shanghai (UTC+8, no DST).
private func shanghai(_ text: String) -> Date {
    let parts = text.split(separator: " ")
    let time = parts[1].split(separator: ":").map { Int($0)! }
    return Date(
        timeIntervalSince1970: TimeInterval(
            LocalDate(parts[0])!.dayNumber * 86_400 + time[0] * 3600 + time[1] * 60 - 8 * 3600))
}

private let monthlyReminder = """
    [Cadence]
    Description=每月提醒
    OnCalendar=*-*-01 09:00
    Kind=reminder
    Period=month
    """

/// The office of the tests: a city bureau over two counties, everyone invented. County A's people
/// all have e-mail; county B's first responsible person has none.
private func office(conf: String = "", holidays: String? = nil, files: [String: String] = [:]) throws
    -> InProcessLedger
{
    let ledger = try InProcessLedger(
        conf: "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n" + conf, cadences: ["monthly": monthlyReminder],
        holidays: holidays, files: files, now: shanghai("2027-01-01 00:00"))
    try ledger.process(at: shanghai("2027-01-01 00:00"))
    for (id, name, kind, parent) in [
        ("city", "示例市卫生局", "bureau", nil), ("county-a", "甲县卫生局", "county-bureau", "city"),
        ("county-b", "乙县卫生局", "county-bureau", "city"),
    ] as [(String, String, String, String?)] {
        var unit: [String: Any] = ["id": id, "name": name, "kind": kind]
        unit["parent"] = parent
        try ledger.call("AddUnit", unit)
    }
    let people: [(id: String, name: String, unit: String, email: String?)] = [
        ("p-city-first", "赵一", "city", "zhao.yi@example.org"), ("p-city-main", "钱二", "city", "qian.er@example.org"),
        ("p-a-first", "孙三", "county-a", "sun.san@example.org"), ("p-a-main", "李四", "county-a", "li.si@example.org"),
        ("p-a-direct", "王五", "county-a", "wang.wu@example.org"),
        ("p-a-liaison", "周六", "county-a", "zhou.liu@example.org"), ("p-b-first", "吴七", "county-b", nil),
        ("p-b-liaison", "郑八", "county-b", "zheng.ba@example.org"),
    ]
    for person in people {
        var parameters: [String: Any] = ["id": person.id, "name": person.name, "unit": person.unit]
        parameters["email"] = person.email
        try ledger.call("AddPerson", parameters)
    }
    for (unit, role, person) in [
        ("city", "first", "p-city-first"), ("city", "main", "p-city-main"), ("county-a", "first", "p-a-first"),
        ("county-a", "main", "李四"), ("county-a", "liaison", "p-a-liaison"), ("county-b", "first", "p-b-first"),
        ("county-b", "liaison", "郑八"),
    ] {
        try ledger.call("AssignRole", ["unit": unit, "role": role, "person": person])
    }
    return ledger
}

extension InProcessLedger {
    /// The outbox as (notice kind, person id) pairs, in order.
    func outbox(state: String? = nil) throws -> [(kind: String, person: String, id: Int64)] {
        var parameters: [String: Any] = ["limit": 1000]
        parameters["state"] = state
        let list = try call("ListDeliveries", parameters)["deliveries"] as? [[String: Any]] ?? []
        return list.map { ($0["kind"] as! String, $0["person"] as! String, ($0["id"] as! NSNumber).int64Value) }
    }
}

@Suite("Notices reach people: the directory, the default routing and the outbox")
struct DeliveryRoutingTests {
    @Test(
        "A campaign month: each unit's commitment reminder reaches its liaison, the warnings and the overdue notice the item's responsible people, the circular also the parent's first responsible person; once each"
    )
    func campaignMonth() throws {
        let ledger = try office()
        try ledger.process(at: shanghai("2027-01-01 09:00"))
        #expect(
            try ledger.outbox().map { "\($0.kind) \($0.person)" } == [
                "commitment-reminder p-a-liaison", "commitment-reminder p-b-liaison",
            ])

        // Due on 2027-01-20 (24:00): warnings 7 days and 1 day before, overdue after, circular 3 days later.
        try ledger.call(
            "AddItem",
            [
                "unit": "county-a", "title": "值班制度未落实", "deadline": "2027-01-20", "main": "@main",
                "direct": "王五",
            ])
        let responsible = ["p-a-first", "p-a-main", "p-a-direct"]
        var expected = ["commitment-reminder p-a-liaison", "commitment-reminder p-b-liaison"]
        for (instant, kind, people) in [
            ("2027-01-14 00:00", "deadline-warning", responsible),
            ("2027-01-20 00:00", "deadline-warning", responsible),
            ("2027-01-21 00:00", "overdue", responsible),
            ("2027-01-24 00:00", "escalation", responsible + ["p-city-first"]),
        ] {
            try ledger.process(at: shanghai(instant))
            // The same instant again, as after a restart: nothing new.
            try ledger.process(at: shanghai(instant))
            expected += people.map { "\(kind) \($0)" }
            let outbox = try ledger.outbox().map { "\($0.kind) \($0.person)" }
            #expect(outbox == expected, "at \(instant): \(outbox)")
        }
        // County B's first responsible person has no address: no message to nobody.
        #expect(try ledger.outbox().allSatisfy { $0.person != "p-b-first" })
        #expect(try ledger.outbox(state: "waiting").count == expected.count)
    }

    @Test("A duty owed by county bureaus (Units=) is announced to their liaisons, not to a township's")
    func dutyAnnouncedToThoseWhoOweIt() throws {
        let review = "[Cadence]\nOnCalendar=*-03-01 09:00\nKind=review\nUnits=county-bureau\nPeriod=quarter\n"
        let ledger = try InProcessLedger(
            conf: "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n", cadences: ["quarterly-review": review],
            now: shanghai("2027-01-01 00:00"))
        try ledger.process(at: shanghai("2027-01-01 00:00"))
        for (id, kind, parent) in [
            ("city", "bureau", nil), ("county-a", "county-bureau", "city"), ("town-1", "township", "county-a"),
        ]
            as [(String, String, String?)]
        {
            var unit: [String: Any] = ["id": id, "name": "示例" + id, "kind": kind]
            unit["parent"] = parent
            try ledger.call("AddUnit", unit)
        }
        for (id, unit) in [("p-a-liaison", "county-a"), ("p-t-liaison", "town-1")] {
            try ledger.call("AddPerson", ["id": id, "name": "联络员" + id, "unit": unit, "email": "\(id)@example.org"])
            try ledger.call("AssignRole", ["unit": unit, "role": "liaison", "person": id])
        }
        try ledger.process(at: shanghai("2027-03-01 09:00"))
        #expect(try ledger.outbox().map { "\($0.kind) \($0.person)" } == ["occurrence p-a-liaison"])
    }

    @Test("Accountability reaches the parent unit's leadership (first and main) as well as the unit's people")
    func accountabilityReachesParentLeadership() throws {
        let ledger = try office()
        try ledger.call("AddItem", ["unit": "county-a", "title": "台账不全", "deadline": "2027-01-10"])
        try ledger.process(at: shanghai("2027-01-25 00:00"))
        let people = Set(try ledger.outbox().filter { $0.kind == "accountability" }.map(\.person))
        #expect(people == ["p-a-first", "p-city-first", "p-city-main"])
    }

    @Test("Each unit's reminder lists its own commitments not yet honoured, with their last evaluation; once (R1, R2)")
    func unitReminders() throws {
        let ledger = try office()
        var ids: [Int64] = []
        for (text, member) in [("全年开展义诊 12 次", nil), ("每月走访群众", "周六"), ("落实家庭医生签约", nil), ("整治候诊秩序", nil)]
            as [(String, String?)]
        {
            var parameters: [String: Any] = ["unit": "county-a", "text": text, "year": 2027]
            parameters["member"] = member
            ids.append(
                try #require(
                    (try ledger.call("AddCommitment", parameters)["commitment"] as? [String: Any])?["id"] as? Int64))
        }
        try ledger.call("EvaluateCommitment", ["id": ids[0], "status": "fulfilled", "period": "2027-Q1"])
        try ledger.call("EvaluateCommitment", ["id": ids[1], "status": "partial", "period": "2027-Q1"])
        try ledger.call("EvaluateCommitment", ["id": ids[3], "status": "unfulfilled", "period": "2027-Q1"])
        let notices = try ledger.process(at: shanghai("2027-01-01 09:00"))
        let a = try #require(notices.first { $0.key == "reminder/monthly/2027-01/county-a" })
        #expect(a.kind == .commitmentReminder && a.subject == "公开承诺提醒：甲县卫生局 2027-01")
        #expect(
            a.body == """
                本单位 2027 年公开承诺 4 项，已兑现 1 项，尚未兑现 3 项（一月一提醒）：
                - #\(ids[1]) 每月走访群众（周六）：部分兑现，2027-Q1
                - #\(ids[2]) 落实家庭医生签约：待评价
                - #\(ids[3]) 整治候诊秩序：未兑现，2027-Q1
                """, "\(a.body)")
        let b = try #require(notices.first { $0.key == "reminder/monthly/2027-01/county-b" })
        #expect(b.body.hasPrefix("本单位尚未录入 2027 年公开承诺"))
        // The city is the top: it reminds, it is not reminded.
        #expect(!notices.contains { $0.key.hasSuffix("/city") })
        // To each unit's liaison its own reminder; the cadence's notice (every unit's counts) to nobody.
        let outbox = try ledger.outbox().map { "\($0.kind) \($0.person)" }
        #expect(outbox == ["commitment-reminder p-a-liaison", "commitment-reminder p-b-liaison"])
        #expect(try ledger.process(at: shanghai("2027-01-01 09:00")).isEmpty)
    }

    @Test("A reminder missed while the daemon was down still reaches each unit's liaison, late, once")
    func lateUnitReminders() throws {
        let ledger = try office()
        // Down from midnight to noon of 1 January: the 09:00 reminder is caught up.
        let notices = try ledger.process(at: shanghai("2027-01-01 12:00"))
        let reminder = try #require(notices.first { $0.key == "reminder/monthly/2027-01/county-a" })
        #expect(reminder.late && reminder.subject.hasSuffix("（补发）"), "\(reminder.subject)")
        #expect(notices.contains { $0.kind == .catchUp && $0.perUnit == true })
        #expect(
            try ledger.outbox().map { "\($0.kind) \($0.person)" } == [
                "commitment-reminder p-a-liaison", "commitment-reminder p-b-liaison",
            ])
        #expect(try ledger.process(at: shanghai("2027-01-01 12:00")).isEmpty)
    }

    @Test(
        "The delivery service's reports: sent, a passing failure tried again with backoff, a refusal given up with a delivery-failed notice; retry"
    )
    func outcomes() throws {
        let ledger = try office()
        try ledger.process(at: shanghai("2027-01-01 09:00"))
        let taken = try ledger.call("TakeDeliveries", [:])["messages"] as? [[String: Any]] ?? []
        #expect(taken.map { $0["address"] as? String } == ["zhou.liu@example.org", "zheng.ba@example.org"])
        #expect(taken.map { $0["personName"] as? String } == ["周六", "郑八"])
        #expect((taken.first?["subject"] as? String)?.hasPrefix("公开承诺提醒：") == true, "\(taken.first ?? [:])")
        #expect((taken.first?["body"] as? String)?.isEmpty == false)
        let keys = Set(taken.compactMap { $0["messageKey"] as? String })
        #expect(keys.count == 2)
        let first = (taken[0]["id"] as! NSNumber).int64Value
        let second = (taken[1]["id"] as! NSNumber).int64Value

        try ledger.call("RecordDelivery", ["id": first, "outcome": "sent"])
        let later =
            try ledger.call(
                "RecordDelivery", ["id": second, "outcome": "temporary", "reason": "451 4.3.0 try again later"])[
                "delivery"]
            as? [String: Any] ?? [:]
        #expect(later["state"] as? String == "waiting")
        #expect(later["nextAttempt"] as? String == ISOTimestamp.utc(ledger.now.addingTimeInterval(60)))
        // Not due again before its time; a repeat report about the sent one changes nothing.
        #expect((try ledger.call("TakeDeliveries", [:])["messages"] as? [Any])?.isEmpty == true)
        try ledger.call("RecordDelivery", ["id": first, "outcome": "permanent", "reason": "late report"])
        #expect(try ledger.outbox(state: "sent").map(\.id) == [first])

        ledger.now = ledger.now.addingTimeInterval(60)
        #expect((try ledger.call("TakeDeliveries", [:])["messages"] as? [Any])?.count == 1)
        try ledger.call(
            "RecordDelivery", ["id": second, "outcome": "permanent", "reason": "550 5.1.1 mailbox unavailable"])
        #expect(try ledger.outbox(state: "failed").map(\.id) == [second])
        let deadLetters = try ledger.manager.store.notices().filter { $0.notice.kind == .deliveryFailed }
        #expect(deadLetters.count == 1)
        #expect(deadLetters.first?.notice.subject == "通知未送达：郑八（email）")
        #expect(deadLetters.first?.notice.body.contains("550 5.1.1 mailbox unavailable") == true)
        #expect(NoticeKind.deliveryFailed.priority == 3)
        // The dead letter goes to nobody's mailbox (it is the administrator's, in the journal).
        #expect(try ledger.outbox().count == 2)

        let retried = try ledger.call("RetryDelivery", ["id": second])["delivery"] as? [String: Any] ?? [:]
        #expect(retried["state"] as? String == "waiting")
        #expect(retried["attempts"] as? Int == 0)
        let again = try ledger.reply("RetryDelivery", ["id": first])
        #expect((again["error"] as? String)?.hasSuffix("InvalidArgument") == true, "\(again)")
    }

    @Test("A passing failure every time is given up after the last attempt, the waits doubling up to an hour")
    func backoffGivesUp() throws {
        #expect(
            (1...12).map { DeliveryBackoff.wait(afterAttempts: $0) } == [
                60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600, 3600, nil,
            ])
        let ledger = try office()
        try ledger.process(at: shanghai("2027-01-01 09:00"))
        let id = try #require(try ledger.outbox().first?.id)
        for _ in 1...DeliveryBackoff.attemptLimit {
            try ledger.call("RecordDelivery", ["id": id, "outcome": "temporary", "reason": "relay down"])
        }
        #expect(try ledger.outbox(state: "failed").map(\.id) == [id])
        #expect(try ledger.manager.store.notices().filter { $0.notice.kind == .deliveryFailed }.count == 1)
    }

    @Test("Bad persons are refused with the reason and change nothing")
    func badPersons() throws {
        let ledger = try office()
        let before = try ledger.call("ListPersons", ["includeRemoved": true])["persons"] as? [Any]
        for (parameters, reason) in [
            (["id": "p-x", "name": "某", "email": "not-an-address"], "'not-an-address' is not an e-mail address"),
            (["id": "p-x", "name": "某", "email": "a b@example.org"], "is not an e-mail address"),
            (["id": "p-a-first", "name": "某"], "person 'p-a-first' already exists"),
            (["id": "p-x", "name": "某", "unit": "county-z"], "the unit 'county-z' does not exist"),
            (["id": "p-x", "name": "某", "mobile": "138-abc"], "the mobile number '138-abc'"),
            (["id": "p x", "name": "某"], "contains a space"),
            (["id": "p-x", "name": " "], "is empty"),
        ] as [([String: Any], String)] {
            let reply = try ledger.reply("AddPerson", parameters)
            let text = "\((reply["parameters"] as? [String: Any])?["reason"] ?? reply)"
            #expect(reply["error"] != nil, "\(parameters)")
            #expect(text.contains(reason), "\(parameters): \(text)")
        }
        #expect((try ledger.call("ListPersons", ["includeRemoved": true])["persons"] as? [Any])?.count == before?.count)
        let missing = try ledger.reply("RecordDelivery", ["id": 999, "outcome": "sent"])
        #expect("\(missing)".contains("there is no delivery 999"))
        let badOutcome = try ledger.reply("RecordDelivery", ["id": 1, "outcome": "delivered"])
        #expect(
            (badOutcome["parameters"] as? [String: Any])?["reason"] as? String
                == "'delivered' is not one of: sent, temporary, permanent, held")
    }

    @Test("Only root, AdminGroup= and group cadenced-deliver take and report the outbox's messages")
    func deliveryServiceOnly() throws {
        let ledger = try office()
        let stranger = Peer(uid: 4242, gid: 4242, user: "someone", groups: [4242])
        for method in ["TakeDeliveries", "RecordDelivery"] {
            let reply = try ledger.reply(method, ["id": 1, "outcome": "sent"], as: stranger)
            #expect((reply["error"] as? String)?.hasSuffix("PermissionDenied") == true, "\(method): \(reply)")
            #expect("\(reply)".contains("cadenced-deliver"))
        }
        #expect(ControlHandler.deliveryMethods == ["TakeDeliveries", "RecordDelivery"])
    }

    @Test("A person removed is no longer reached; a role naming them reaches nobody")
    func removedPerson() throws {
        let ledger = try office()
        try ledger.call("RemovePerson", ["id": "p-b-liaison"])
        try ledger.process(at: shanghai("2027-01-01 09:00"))
        #expect(try ledger.outbox().map(\.person) == ["p-a-liaison"])
        let shown = try ledger.call("GetPerson", ["id": "p-b-liaison"])["person"] as? [String: Any]
        #expect(shown?["removed"] as? Bool == true)
    }

    @Test(
        "Digests at DigestTime= on working days only: none on a Sunday or a holiday, one on a make-up Saturday; each person's warnings and overdue notices in one message, escalations at once"
    )
    func digestsOnWorkingDays() throws {
        // 2027-01-04 (Monday) a day off, 2027-01-09 (Saturday) a make-up working day (调休).
        let ledger = try office(
            conf: "[Delivery]\nDigestTime=09:00\n",
            holidays: "[2027]\nHoliday=2027-01-04 测试假日\nWorkingDay=2027-01-09 测试调休\n")
        try ledger.call(
            "AddItem", ["unit": "county-a", "title": "值班制度未落实", "deadline": "2027-01-09", "main": "@main"])
        var digests: [String: [String]] = [:]
        func digestsSoFar() throws -> [String] {
            try ledger.manager.store.notices().filter { $0.notice.kind == .digest }.map(\.notice.key)
        }
        for day in 3...14 {
            let date = "2027-01-\(day < 10 ? "0" : "")\(day)"
            for time in ["00:00", "09:00", "09:00", "15:00"] {
                try ledger.process(at: shanghai("\(date) \(time)"))
                // Warnings and overdue notices wait; nothing of theirs is handed out before the digest.
                let taken = try ledger.call("TakeDeliveries", [:])["messages"] as? [[String: Any]] ?? []
                #expect(
                    taken.allSatisfy {
                        ["digest", "escalation", "commitment-reminder"].contains($0["kind"] as? String ?? "")
                    },
                    "\(date) \(time): \(taken.map { $0["kind"] ?? "" })")
                for message in taken {
                    try ledger.call("RecordDelivery", ["id": message["id"]!, "outcome": "sent"])
                }
            }
            let new = Set(try digestsSoFar()).subtracting(digests.values.flatMap { $0 })
            if !new.isEmpty { digests[date] = new.sorted() }
        }
        #expect(
            digests == [
                "2027-01-05": ["digest/2027-01-05/p-a-first/email", "digest/2027-01-05/p-a-main/email"],
                "2027-01-09": ["digest/2027-01-09/p-a-first/email", "digest/2027-01-09/p-a-main/email"],
                "2027-01-11": ["digest/2027-01-11/p-a-first/email", "digest/2027-01-11/p-a-main/email"],
            ], "\(digests)")
        let texts = try ledger.manager.store.notices().filter { $0.notice.kind == .digest }.map(\.notice)
        #expect(texts.first?.subject == "您有 1 项整改事项：1 项即将到期")
        #expect(texts.first?.body.contains("孙三，截至 2027-01-05 09:00 (UTC+08:00)，您负责的整改事项如下：") == true)
        #expect(texts.first?.body.contains("- 整改提醒：甲县卫生局 #1 将于 2027-01-09") == true, "\(texts.first?.body ?? "")")
        #expect(texts.last?.subject == "您有 1 项整改事项：1 项已逾期（最长 1 天）")
        // A digest is mailed, not journaled: the journal has each gathered notice once, no digest.
        #expect(!ledger.journal.entries.contains { $0["CADENCED_KIND"] == "digest" })
        #expect(ledger.journal.entries.filter { $0["CADENCED_KIND"] == "deadline-warning" }.count == 2)
        // Every warning and overdue message went into a digest; the escalation went at once.
        let outbox = try ledger.call("ListDeliveries", ["limit": 1000])["deliveries"] as? [[String: Any]] ?? []
        let states = Dictionary(grouping: outbox) { "\($0["kind"] ?? "") \($0["state"] ?? "")" }.mapValues(\.count)
        #expect(
            states == [
                "commitment-reminder sent": 2, "deadline-warning digested": 4, "overdue digested": 2, "digest sent": 6,
                "escalation sent": 3,
            ], "\(states)")
        // cadencectl notices lists what the journal has: digests only when asked for by kind.
        let listed = try ledger.call("ListNotices", ["limit": 1000])["notices"] as? [[String: Any]] ?? []
        #expect(!listed.isEmpty && !listed.contains { $0["kind"] as? String == "digest" })
        let asked =
            try ledger.call("ListNotices", ["kind": "digest", "limit": 1000])["notices"] as? [[String: Any]] ?? []
        #expect(asked.count == 6, "\(asked.count)")
    }

    @Test("The next wake-up is the next working day's digest time")
    func digestWakeUp() throws {
        let ledger = try office(conf: "[Delivery]\nDigestTime=09:00\n", holidays: "[2027]\nHoliday=2027-01-04\n")
        // Friday 2027-01-01 after the digest time, done: next is Tuesday 09:00 (weekend, then the day off).
        try ledger.process(at: shanghai("2027-01-01 09:30"))
        let cadence = shanghai("2027-02-01 09:00")
        #expect(try ledger.manager.nextWake(after: shanghai("2027-01-01 09:30")) == shanghai("2027-01-05 09:00"))
        #expect(try ledger.manager.nextWake(after: shanghai("2027-01-05 09:00")) ?? cadence <= cadence)
    }

    @Test("DigestTime= and DigestKinds= refuse what they cannot mean, with file:line")
    func digestConfiguration() throws {
        for (text, reason) in [
            ("[Delivery]\nDigestTime=25:00\n", "is not a time of day between 00:00 and 23:59"),
            ("[Delivery]\nDigestTime=24:00\n", "is not a time of day between 00:00 and 23:59"),
            ("[Delivery]\nDigestKinds=overdue digest\n", "has 'digest', which is not a kind of notice a person gets"),
            ("[Delivery]\nDigestKinds=late\n", "has 'late'"),
            ("[Delivery]\nDigestKinds=overdue escalation\n", "has 'escalation', which never waits"),
            ("[Delivery]\nDigestKinds=accountability\n", "has 'accountability', which never waits"),
            ("[Delivery]\nQuietHours=22:00\n", "is not a span of the day such as 22:00-07:00"),
        ] {
            #expect(throws: ConfigurationError.self, "\(text)") {
                try DaemonConfiguration.parse(main: IniSource(fileName: "cadenced.conf", text: text), dropIns: [])
            }
            do {
                _ = try DaemonConfiguration.parse(main: IniSource(fileName: "cadenced.conf", text: text), dropIns: [])
            } catch {
                #expect("\(error)".contains("cadenced.conf:2") && "\(error)".contains(reason), "\(error)")
            }
        }
        let parsed = try DaemonConfiguration.parse(
            main: IniSource(fileName: "cadenced.conf", text: "[Delivery]\nDigestTime=08:30\nDigestKinds=overdue\n"),
            dropIns: [])
        #expect(parsed.digestTimeOfDay == 8 * 3600 + 1800)
        #expect(parsed.digestKinds == [.overdue])
    }

    @Test("QuietHours=22:00-07:00: at night only escalations go; the rest waits for 07:00, which the service is told")
    func quietHours() throws {
        let ledger = try office(conf: "[Delivery]\nQuietHours=22:00-07:00\n")
        try ledger.process(at: shanghai("2027-01-01 21:00"))
        func taken() throws -> (kinds: [String], nextAt: String?) {
            let reply = try ledger.call("TakeDeliveries", [:])
            let messages = reply["messages"] as? [[String: Any]] ?? []
            for message in messages { try ledger.call("RecordDelivery", ["id": message["id"]!, "outcome": "sent"]) }
            return (messages.map { $0["kind"] as? String ?? "" }, reply["nextAt"] as? String)
        }
        // The reminder of 1 January, caught up: each county's own, to its liaison.
        #expect(try taken().kinds == ["commitment-reminder", "commitment-reminder"])
        // Due 2027-01-03 00:00: overdue then, circular 3 days later, both at night.
        try ledger.call("AddItem", ["unit": "county-a", "title": "夜间测试", "deadline": "2027-01-02"])
        try ledger.process(at: shanghai("2027-01-01 23:00"))
        let night = try taken()
        #expect(night.kinds == [])
        #expect(night.nextAt == ISOTimestamp.utc(shanghai("2027-01-02 07:00")))
        try ledger.process(at: shanghai("2027-01-02 07:00"))
        #expect(try taken().kinds == ["deadline-warning", "deadline-warning"])
        try ledger.process(at: shanghai("2027-01-03 00:00"))
        #expect(try taken().kinds == [])
        try ledger.process(at: shanghai("2027-01-06 00:00"))
        #expect(try taken().kinds == ["escalation", "escalation"], "urgent: at once, at night too")
        try ledger.process(at: shanghai("2027-01-06 07:00"))
        #expect(try taken().kinds == ["overdue"])
        for bad in ["22:00", "22:00-22:00", "7-8", "22:00-25:00"] {
            #expect(throws: ConfigurationError.self, "\(bad)") {
                try DaemonConfiguration.parse(
                    main: IniSource(fileName: "cadenced.conf", text: "[Delivery]\nQuietHours=\(bad)\n"), dropIns: [])
            }
        }
    }

    @Test(
        "Routing rules (routes.d) add receivers: a 通报 to every county bureau's liaison, a county's overdue notices to its parent's leader; once each, none taken away; a reload without them stops them"
    )
    func routingRules() throws {
        let routes = [
            "routes.d/circulation.route": """
            [Route]
            Description=通报抄送各县卫生局联络员
            Kinds=escalation
            To=@county-bureau:liaison p-city-main
            # Already a default receiver: still one message.
            To=p-a-first
            """,
            "routes.d/county-a-overdue.route": """
            [Route]
            Kinds=overdue
            Units=county-a
            To=@parent:main @liaison
            """,
            // The talk (约谈) only, also to the unit's leader in charge (the items name none).
            "routes.d/talk.route": "[Route]\nKinds=escalation\nLevels=talk\nTo=@main\n",
            // The monthly reminder also to the city's leader in charge; another cadence's notices not.
            "routes.d/monthly.route": "[Route]\nKinds=occurrence commitment-reminder\nCadences=monthly\nTo=钱二\n",
        ]
        let ledger = try office(files: routes)
        try ledger.process(at: shanghai("2027-01-01 09:00"))
        let reminders = try ledger.outbox().map { "\($0.kind) \($0.person)" }
        #expect(
            reminders == [
                // The reminder's own notice (every unit's counts) reaches nobody by default; by the rule, 钱二.
                "occurrence p-city-main", "commitment-reminder p-a-liaison", "commitment-reminder p-city-main",
                "commitment-reminder p-b-liaison",
                "commitment-reminder p-city-main",
            ], "\(reminders)")
        try ledger.call("AddItem", ["unit": "county-a", "title": "值班制度未落实", "deadline": "2027-01-20"])
        try ledger.call("AddItem", ["unit": "county-b", "title": "台账不全", "deadline": "2027-01-20", "first": "郑八"])
        try ledger.process(at: shanghai("2027-01-21 00:00"))
        let overdue = try ledger.outbox().filter { $0.kind == "overdue" }.map(\.person)
        // County A's overdue notice: its first responsible person, and by the rule its parent's main
        // one and its liaison; county B's (not under the rule): its own only.
        #expect(overdue.sorted() == ["p-a-first", "p-a-liaison", "p-b-liaison", "p-city-main"], "\(overdue)")

        try ledger.process(at: shanghai("2027-01-24 00:00"))
        let escalation = try ledger.outbox().filter { $0.kind == "escalation" }.map(\.person)
        // Each circular (county A's and county B's): the defaults (the first responsible person, the
        // parent's first) plus every county bureau's liaison, the city's main leader and p-a-first,
        // each once per notice though p-a-first is also county A's default and 郑八 county B's.
        #expect(
            escalation.sorted() == [
                "p-a-first", "p-a-first", "p-a-liaison", "p-a-liaison", "p-b-liaison", "p-b-liaison", "p-city-first",
                "p-city-first", "p-city-main", "p-city-main",
            ], "\(escalation)")
        #expect(
            try ledger.manager.store.routes().map(\.name) == ["circulation", "county-a-overdue", "monthly", "talk"])
        // The talk (a week after the deadline) reaches county A's leader in charge (李四) by the rule
        // of its level; the circular did not. County B has none: nobody more.
        try ledger.process(at: shanghai("2027-01-28 00:00"))
        let talk = try ledger.outbox().filter { $0.kind == "escalation" }.map(\.person)
        #expect(!escalation.contains("p-a-main"))
        #expect(talk.filter { $0 == "p-a-main" }.count == 1, "\(talk)")

        // Taken away by a reload: the accountability step comes with the default receivers only.
        try ledger.reload(
            conf: "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n", remove: Array(routes.keys))
        #expect(try ledger.manager.store.routes().isEmpty)
        try ledger.process(at: shanghai("2027-02-04 00:00"))
        let accountability = try ledger.outbox().filter { $0.kind == "accountability" }.map(\.person)
        #expect(
            accountability.sorted() == [
                "p-a-first", "p-b-liaison", "p-city-first", "p-city-first", "p-city-main", "p-city-main",
            ], "\(accountability)")
    }

    @Test(
        "A bad routing rule is refused at its line and nothing of it applies: no Kinds=, no To=, an unknown kind, role or kind of unit, a path as a unit"
    )
    func badRoutingRules() throws {
        for (text, says) in [
            ("[Route]\nTo=p-city-main\n", "circulation.route:1: Kinds= is missing"),
            ("[Route]\nKinds=overdue\n", "circulation.route:1: To= is missing"),
            ("[Route]\nKinds=birthday\nTo=p-city-main\n", "circulation.route:2: Kinds= 'birthday' is not one of:"),
            ("[Route]\nKinds=overdue\nTo=@boss\n", "circulation.route:3: To= '@boss' does not end in a role"),
            (
                "[Route]\nKinds=overdue\nTo=@town:first\n",
                "circulation.route:3: To= '@town:first' names no kind of unit"
            ),
            ("[Route]\nKinds=overdue\nTo=@a:b:first\n", "circulation.route:3: To= '@a:b:first' is not @ROLE"),
            (
                "[Route]\nKinds=overdue\nUnits=../etc\nTo=@first\n",
                "circulation.route:3: Units= '../etc' is not a unit id"
            ),
            ("[Route]\nKinds=digest\nTo=@first\n", "circulation.route:2: Kinds= 'digest' is not one of:"),
            ("[Route]\nKinds=overdue\nTo=@first\nCc=p-city-main\n", "circulation.route:4:"),
            ("[Route]\nKinds=escalation\nLevels=accountability\nTo=@first\n", "circulation.route:3: Levels="),
            ("[Route]\nKinds=occurrence\nCadences=../x\nTo=@first\n", "circulation.route:3: Cadences= '../x'"),
        ] {
            do {
                _ = try office(files: ["routes.d/circulation.route": text])
                Issue.record("accepted \(text)")
            } catch {
                #expect("\(error)".contains(says), "\(text): \(error)")
            }
        }
    }
}
