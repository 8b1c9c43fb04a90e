import CadenceCore
import Foundation
import GRDB
import Testing

@testable import CadenceStore

@Suite("Notice payload: the ledger's JSON of a notice")
struct NoticePayloadTests {
    static func full() -> Notice {
        var notice = Notice(
            key: "item/42/escalation-talk", kind: .escalation,
            dueAt: Date(timeIntervalSince1970: 1_796_000_000.123_456_7),
            emittedAt: Date(timeIntervalSince1970: 1_796_000_001.987_654_3), cadence: "quarterly \"leader\" review",
            periods: ["2026-Q4", "2027-Q1"], unit: "county-7", item: 42, title: "台账\\不全\n第二行\t「引号」\u{2028}",
            level: .talk, late: true, overdueDays: 9, deadline: Date(timeIntervalSince1970: 1_795_000_000.5),
            subject: "整改逾期升级：约谈 示例县 #42", body: "正文 | 表格\r\n\u{1}控制字符")
        notice.unitName = "示例县卫生局"
        notice.units = ["county-7", "county-8"]
        notice.unitKinds = ["county", "city-direct"]
        notice.perUnit = false
        notice.deadlineDate = "2026-10-31"
        notice.fields = ["DUE_DATE": "2026-10-31", "CONFIG_DIR": "/etc/cadenced", "空": ""]
        notice.names = ["孙三", "欧阳明华"]
        return notice
    }

    @Test("Every field of a notice reads back as the ledger gives it: instants to the microsecond")
    func roundTrip() throws {
        let minimal = Notice(
            key: "occurrence/monthly/2026-12", kind: .occurrence, dueAt: Date(timeIntervalSince1970: 0),
            emittedAt: Date(timeIntervalSince1970: -1.5))
        for notice in [Self.full(), minimal] {
            let json = NoticePayload.json(notice)
            let read = try JSONDecoder.ledger.decode(Notice.self, from: Data(json.utf8))
            #expect(read == LedgerStore.asStored(notice))
            #expect(read.dueAt.micros == notice.dueAt.micros)
            #expect(try JSONSerialization.jsonObject(with: Data(json.utf8)) is [String: Any], "valid JSON: \(json)")
        }
        #expect(!NoticePayload.json(minimal).contains("null"), "absent fields are left out, not written as null")
    }

    @Test("A stored notice is found by its unit in SQL and comes back from the ledger unchanged")
    func storedAndQueried() throws {
        let store = try LedgerStore(DatabaseQueue())
        let notice = Self.full()
        #expect(try store.record(notice: notice) != nil)
        let listed = try store.noticeList(kind: nil, unit: "county-7", limit: 10)
        #expect(listed.map(\.notice) == [LedgerStore.asStored(notice)])
        #expect(try store.undeliveredNotices().map(\.notice) == [LedgerStore.asStored(notice)])
        let known = try store.undeliveredNotices(known: [notice.key: LedgerStore.asStored(notice)])
        #expect(known.map(\.notice) == [LedgerStore.asStored(notice)], "a notice known by this process as stored")
    }
}
