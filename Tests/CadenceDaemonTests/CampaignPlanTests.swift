import CadenceConfiguration
import CadenceCore
import CadenceDaemon
import Foundation
import Testing

/// Local midnight in Beijing of a day, as an instant.
private func midnight(_ day: String) -> Date {
    Date(timeIntervalSince1970: TimeInterval(LocalDate(day)!.dayNumber * 86_400 - 8 * 3600))
}

private let monthly = "[Cadence]\nDescription=Monthly reminder\nOnCalendar=*-*-01 09:00\nKind=reminder\nPeriod=month\n"

/// The example plans shipped in `examples/plans`.
private func example(_ name: String) throws -> String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return try String(contentsOf: root.appendingPathComponent("examples/plans/\(name).plan"), encoding: .utf8)
}

@Suite("The campaign plan: phases as data (R5)")
struct CampaignPlanTests {
    @Test(
        "Plan dates as offices write them: a day, a month, a month's end, a 旬; each the span of days it means",
        arguments: [
            ("2011-10-20", "2011-10-20", "2011-10-20"), ("2011年10月20日", "2011-10-20", "2011-10-20"),
            ("2011-04", "2011-04-01", "2011-04-30"), ("2011年4月", "2011-04-01", "2011-04-30"),
            ("2011-11月底", "2011-11-30", "2011-11-30"), ("2011年11月底", "2011-11-30", "2011-11-30"),
            ("2011-10上旬", "2011-10-01", "2011-10-10"), ("2011年10月中旬", "2011-10-11", "2011-10-20"),
            ("2011-10下旬", "2011-10-21", "2011-10-31"), ("2012-02下旬", "2012-02-21", "2012-02-29"),
            ("2011-02月底", "2011-02-28", "2011-02-28"), ("２０１１年１２月", "2011-12-01", "2011-12-31"),
        ])
    func planDates(text: String, first: String, last: String) throws {
        let date = try #require(PlanDate(text))
        #expect(date.first == LocalDate(first) && date.last == LocalDate(last))
        #expect(date.text == text, "kept as typed, for the notices")
    }

    @Test(
        "What is no plan date is refused",
        arguments: ["2011", "10月中旬", "2011-13", "2011-02-30", "2011-10-20中旬", "下旬", "2011-10中", "soon", ""])
    func notPlanDates(text: String) {
        #expect(PlanDate(text) == nil)
    }

    @Test("Both seed plans read as their documents give them, the second crossing the year")
    func seedPlans() throws {
        let township = try CampaignPlan.parse(
            name: "township-2011", source: IniSource(fileName: "township-2011.plan", text: example("township-2011")))
        #expect(township.phases.map(\.name) == ["动员部署", "全面推进", "深化提升", "总结完善"])
        #expect(
            township.phases.map(\.start.first)
                == ["2011-04-01", "2011-06-01", "2011-08-01", "2011-12-01"].map { LocalDate($0)! })
        #expect(
            township.phases.map(\.end.last)
                == ["2011-05-31", "2011-07-31", "2011-11-30", "2011-12-31"].map { LocalDate($0)! })
        let district = try CampaignPlan.parse(
            name: "district", source: IniSource(fileName: "district.plan", text: example("district-hospital-2011")))
        #expect(district.phases.map(\.name) == ["设岗定诺", "集中争创", "总结完善"])
        #expect(district.phases.last?.end.last == LocalDate("2012-06-30"))
        #expect(district.deliverables.map(\.due.last) == [LocalDate("2011-10-20")!])
        #expect(district.phase(on: LocalDate("2011-11-15")!)?.name == "集中争创")
        #expect(district.phase(on: LocalDate("2011-12-20")!) == nil, "between two phases")
    }

    @Test(
        "Walked over its years, each plan announces every phase start and end and warns of each deliverable, once, at local midnight"
    )
    func walk() throws {
        // Computed from the documents by hand: a phase starts at midnight of its first day and ends
        // at the midnight after its last; a deliverable due on a day (by its end) is warned of 7
        // days and 1 day before (WarnBeforeSec= 7d 1d, the default).
        let expected: [String: [(key: String, kind: NoticeKind, at: String)]] = [
            "township-2011": [
                ("动员部署/start", .phaseStart, "2011-04-01"),
                ("实施方案上报主管局/warn-604800", .deliverableDue, "2011-05-25"),
                ("实施方案上报主管局/warn-86400", .deliverableDue, "2011-05-31"), ("动员部署/end", .phaseEnd, "2011-06-01"),
                ("全面推进/start", .phaseStart, "2011-06-01"), ("全面推进/end", .phaseEnd, "2011-08-01"),
                ("深化提升/start", .phaseStart, "2011-08-01"), ("深化提升/end", .phaseEnd, "2011-12-01"),
                ("总结完善/start", .phaseStart, "2011-12-01"), ("总结完善/end", .phaseEnd, "2012-01-01"),
            ],
            "district-hospital-2011": [
                ("设岗定诺/start", .phaseStart, "2011-10-11"),
                ("实施方案上报/warn-604800", .deliverableDue, "2011-10-14"),
                ("实施方案上报/warn-86400", .deliverableDue, "2011-10-20"), ("设岗定诺/end", .phaseEnd, "2011-10-21"),
                ("集中争创/start", .phaseStart, "2011-10-21"), ("集中争创/end", .phaseEnd, "2011-12-11"),
                ("总结完善/start", .phaseStart, "2012-01-01"), ("总结完善/end", .phaseEnd, "2012-07-01"),
            ],
        ]
        for (name, events) in expected {
            let env = try ManagerEnvironment(
                cadences: ["monthly-reminder": monthly], conf: "TimeZone=Asia/Shanghai\nLanguage=zh\n",
                files: ["plans.d/\(name).plan": try example(name)])
            var now = midnight("2011-01-01")
            let manager = try env.manager(now: now)
            var seen: [(key: String, kind: NoticeKind, at: Date, emitted: Date)] = []
            while now < midnight("2013-01-01") {
                let plan = try manager.tick(at: now)
                for notice in plan.stored where notice.key.hasPrefix("plan/") {
                    seen.append((notice.key, notice.kind, notice.dueAt, notice.emittedAt))
                }
                guard let wake = plan.wake else { break }
                now = max(wake, now.addingTimeInterval(1))
            }
            #expect(seen.map(\.key) == events.map { "plan/\(name)/\($0.key)" }, "\(name)")
            #expect(seen.map(\.kind) == events.map(\.kind))
            #expect(seen.map(\.at) == events.map { midnight($0.at) })
            #expect(seen.allSatisfy { $0.emitted == $0.at }, "each on time: the daemon woke for it")
            // Each once: the journal has one entry per notice, and a pass again adds nothing.
            let journaled = env.journal.entries.filter { $0["CADENCED_PLAN"] == name }
            #expect(journaled.count == events.count)
            #expect(try manager.tick(at: now).stored.filter { $0.key.hasPrefix("plan/") }.isEmpty)
        }
    }

    @Test("A phase's start says what it is, when it runs and what is due in it, as the plan wrote them")
    func startNoticeText() throws {
        let env = try ManagerEnvironment(
            cadences: ["monthly-reminder": monthly], conf: "TimeZone=Asia/Shanghai\nLanguage=zh\n",
            files: ["plans.d/district.plan": try example("district-hospital-2011")])
        let manager = try env.manager(now: midnight("2011-10-01"))
        _ = try manager.tick(at: midnight("2011-10-01"))
        let start = try #require(try manager.tick(at: midnight("2011-10-11")).stored.first { $0.kind == .phaseStart })
        #expect(start.subject == "活动阶段开始：区医院 2011—2012 年创先争优活动 设岗定诺")
        #expect(start.body.contains("「设岗定诺」阶段（2011-10中旬 至 2011-10中旬）"))
        #expect(start.body.contains("制定实施方案，设岗定责"))
        #expect(start.body.contains("实施方案上报：2011-10-20 前"))
        let end = try #require(try manager.tick(at: midnight("2011-10-21")).stored.first { $0.kind == .phaseEnd })
        #expect(end.subject == "活动阶段结束：区医院 2011—2012 年创先争优活动 设岗定诺")
        let entry = try #require(env.journal.entries.last { $0["CADENCED_NOTICE_KEY"] == end.key })
        #expect(entry["MESSAGE_ID"] == NoticeKind.phaseEnd.messageID)
        #expect(entry["CADENCED_PHASE"] == "设岗定诺")
    }

    @Test("A plan put in force in its second phase announces nothing of the first; one missed while down comes late")
    func inForceLate() throws {
        let env = try ManagerEnvironment(
            cadences: ["monthly-reminder": monthly], conf: "TimeZone=Asia/Shanghai\nLanguage=zh\n",
            files: ["plans.d/township.plan": try example("township-2011")])
        let manager = try env.manager(now: midnight("2011-07-15"))
        #expect(try manager.tick(at: midnight("2011-07-15")).stored.filter { $0.key.hasPrefix("plan/") }.isEmpty)
        // Down from 31 July to 3 August: the end of 全面推进 and the start of 深化提升 come late, once.
        let late = try manager.tick(at: midnight("2011-08-03")).stored.filter { $0.key.hasPrefix("plan/") }
        #expect(late.map(\.key) == ["plan/township/全面推进/end", "plan/township/深化提升/start"])
        #expect(late.allSatisfy { $0.late })
        #expect(late.allSatisfy { $0.subject.hasSuffix("（补发）") })
    }

    @Test(
        "A bad plan file is refused at its line: the configuration does not load (a reload keeps the one in force)",
        arguments: [
            ("[Phase A]\nStart=2011-04\n", "plans.d/bad.plan:1: section '[Phase A]' needs a 'End=' assignment"),
            (
                "[Phase A]\nStart=2011-05\nEnd=2011-04\n",
                "plans.d/bad.plan:3: End= '2011-04' is before the phase's start (2011-05)"
            ),
            ("[Phase A]\nStart=April\nEnd=2011-04\n", "plans.d/bad.plan:2: Start= 'April' is not a day (2011-10-20"),
            (
                "[Phase A]\nStart=2011-04\nEnd=2011-04\nOwner=x\n",
                "plans.d/bad.plan:4: unknown key 'Owner' in section '[Phase A]'"
            ),
            ("[Stage A]\nStart=2011-04\n", "plans.d/bad.plan:1: unknown section '[Stage A]'"),
            (
                "[Phase A]\nStart=2011-04\nEnd=2011-04\n[Phase A]\n",
                "plans.d/bad.plan:4: [Phase A] is named twice in this plan"
            ),
            (
                "[Phase A]\nStart=2011-04\nEnd=2011-04\n[Deliverable D]\nPhase=B\nDue=2011-04-10\n",
                "plans.d/bad.plan:5: Phase= 'B' names no phase of this plan (A)"
            ),
            (
                "[Phase A]\nStart=2011-04\nEnd=2011-04\n[Deliverable D]\nPhase=A\nDue=2011-05-10\n",
                "plans.d/bad.plan:6: Due= '2011-05-10' is outside its phase A (2011-04 – 2011-04)"
            ),
            (
                "[Phase A]\nStart=2011-04\nEnd=2011-04\n[Deliverable D]\nDue=2011-04-10\nUnits=county planet\n",
                "plans.d/bad.plan:6: Units= 'planet' is not a kind of unit"
            ),
            (
                "[Plan]\nDescription=empty\n",
                "plans.d/bad.plan:1: a plan needs at least one [Phase NAME], [Deliverable NAME]"
            ),
        ])
    func badPlans(text: String, message: String) throws {
        let env = try ManagerEnvironment(
            cadences: ["monthly-reminder": monthly], files: ["plans.d/bad.plan": text])
        do {
            _ = try env.manager(now: midnight("2011-01-01"))
            Issue.record("a bad plan was accepted: \(text)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }

    @Test("Every error of a plan file is reported at once, each at its line")
    func everyError() throws {
        let env = try ManagerEnvironment(
            cadences: ["monthly-reminder": monthly],
            files: ["plans.d/bad.plan": "[Phase A]\nStart=2011-05\nEnd=2011-04\n[Deliverable D]\nPhase=B\nDue=soon\n"])
        do {
            _ = try env.manager(now: midnight("2011-01-01"))
            Issue.record("a bad plan was accepted")
        } catch {
            let text = "\(error)"
            #expect(
                text.contains("plans.d/bad.plan:3: End= '2011-04' is before the phase's start (2011-05)"), "\(text)")
            #expect(text.contains("plans.d/bad.plan:5: Phase= 'B' names no phase of this plan"), "\(text)")
            #expect(text.contains("plans.d/bad.plan:6: Due= 'soon' is not a day"), "\(text)")
        }
    }
}
