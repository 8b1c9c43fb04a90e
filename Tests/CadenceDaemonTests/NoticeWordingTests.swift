import CadenceConfiguration
import CadenceCore
import CadenceDaemon
import CadenceStore
import Foundation
import Testing

/// An instant given as Beijing time, "2026-12-01 00:00".
private func beijing(_ text: String) -> Date {
    let parts = text.split(separator: " ")
    let time = parts[1].split(separator: ":").map { Int($0)! }
    let local = LocalDate(parts[0])!.dayNumber * 86_400 + time[0] * 3600 + time[1] * 60
    return Date(timeIntervalSince1970: TimeInterval(local - 8 * 3600))
}

@Suite("Notices that say who and what, in the office's words")
struct NoticeWordingTests {
    @Test("Item notices name the responsible people; accountability names whom; the file's table is Chinese")
    func whoAndWhat() throws {
        let env = try ManagerEnvironment(cadences: [:], conf: "TimeZone=Asia/Shanghai\nLanguage=zh\n")
        let start = beijing("2026-12-01 00:00")
        let manager = try env.manager(now: start)
        try manager.process(at: start)
        let store = manager.store
        try store.addUnits(
            [
                NewUnit(id: "city", name: "示例市卫生局", kind: .bureau),
                NewUnit(id: "county-a", name: "示例甲县卫生局", kind: .countyBureau, parent: "city"),
            ], at: start, actor: nil)
        try store.addPersons([PersonRecord(id: "p-chen", name: "陈示例", unit: "county-a")], at: start, actor: nil)
        try store.assignRole(unit: "county-a", role: .first, person: "p-chen", at: start, actor: nil)
        // The first named by role (a directory person), the main by name, the direct by a role nobody holds.
        let id = try store.addItem(
            NewItem(
                unit: "county-a", title: "药品库房温湿度未记录", deadline: beijing("2026-12-11 00:00"), first: "@first",
                main: "林示例", direct: "@direct", deadlineDate: "2026-12-10"),
            schedule: manager.itemSchedule, at: start)

        // The daemon is down from the 7-day warning until after the overdue instant.
        try manager.process(at: beijing("2026-12-04 00:00"))
        let late = try manager.process(at: beijing("2026-12-12 10:00"))
        let overdue = try #require(late.first { $0.kind == .overdue })
        #expect(overdue.subject == "整改逾期：示例甲县卫生局 #\(id)（补发）")
        #expect(
            overdue.body == "整改事项 #\(id)「药品库房温湿度未记录」（示例甲县卫生局）已于 2026-12-10（当日 24:00 截止）到期，未验收销号，已逾期 1 天。"
                + "\n责任人：第一责任人 陈示例，主要责任人 林示例。")

        var accountability: Notice?
        var now = beijing("2026-12-12 10:00")
        while accountability == nil, let wake = try manager.nextWake(after: now), wake < beijing("2027-02-01 00:00") {
            now = wake
            accountability = try manager.process(at: wake).first { $0.kind == .accountability }
        }
        let notice = try #require(accountability)
        #expect(
            notice.body.contains(
                "启动责任追究。追究单位领导（陈示例、林示例）、责任部门（示例甲县卫生局）和责任人（未指定）的责任。"
                    + "\n责任人：第一责任人 陈示例，主要责任人 林示例。"))

        // The overdue notice's file: filed under the day it was sent (12 December), not the day due,
        // and its table speaks Chinese: no internal codes.
        let files = env.noticeFiles()
        let file = try #require(files.first { $0.contains("-overdue-") })
        #expect(file.hasPrefix("2026/12/12/"), "\(files)")
        let text = try String(contentsOfFile: env.noticeDirectory + "/" + file, encoding: .utf8)
        #expect(text.contains("| 项目 | 内容 |"))
        #expect(text.contains("| 类型 | 整改逾期 |"))
        #expect(text.contains("| 单位 | 示例甲县卫生局（county-a） |"))
        #expect(text.contains("| 到期 | 2026-12-10 |"))
        #expect(text.contains("| 补发 | 是 |"))
        #expect(!text.contains("| field | value |") && !text.contains("| kind |"))
        let escalation = try #require(files.first { $0.contains("-accountability-") })
        let escalationText = try String(contentsOfFile: env.noticeDirectory + "/" + escalation, encoding: .utf8)
        #expect(escalationText.contains("| 升级 | 责任追究 |"))
    }

    @Test("The monthly reminder's commitment line does not contradict itself")
    func reminderLine() {
        let text = NoticeText(language: .zh, zone: TimeZone(identifier: "Asia/Shanghai")!)
        #expect(
            text.commitmentLine(unit: "county-a", name: "示例甲县卫生局", total: 3, fulfilled: 1, partial: 1, unfulfilled: 0)
                == "- county-a 示例甲县卫生局：承诺 3 项，尚未兑现 2 项（已兑现 1，部分兑现 1，未兑现 0，待评价 1）")
    }
}
