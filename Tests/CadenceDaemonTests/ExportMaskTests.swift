import CadenceConfiguration
import CadenceControl
import CadenceCore
@testable import CadenceDaemon
import CadenceStore
import Foundation
import Testing

@Suite("export --mask: a copy for outside the office names nobody (R30)")
struct ExportMaskTests {
    @Test(
        "People in items, commitments, reviews and the directory are masked; units and roles stay; without mask nothing changes"
    )
    func masked() throws {
        let ledger = try InProcessLedger(
            conf: "[Daemon]\nTimeZone=UTC\nLanguage=zh\n",
            now: Date(timeIntervalSince1970: TimeInterval(LocalDate("2027-03-01")!.dayNumber * 86_400)))
        try ledger.manager.store.addUnits(
            [
                NewUnit(id: "city", name: "示例市卫生健康委", kind: .cityDirect),
                NewUnit(id: "county-a", name: "甲县卫生健康局", kind: .countyBureau, parent: "city"),
            ], at: ledger.now, actor: nil)
        try ledger.call(
            "AddPerson",
            [
                "id": "p-1", "name": "欧阳明华", "unit": "county-a", "mobile": "13812345678", "email": "ouyang@example.org",
            ])
        try ledger.call("AssignRole", ["unit": "county-a", "role": "first", "person": "p-1"])
        try ledger.call(
            "AddItem",
            [
                "unit": "county-a", "title": "值班制度未落实", "deadline": "2027-04-30", "main": "孙示例", "direct": "@first",
            ])
        try ledger.call("AddCommitment", ["unit": "county-a", "text": "每月走访群众", "member": "周示例"])
        try ledger.call("RecordReview", ["unit": "county-a", "heldOn": "2027-03-01", "reviewer": "钱示例"])

        func export(_ kind: String, mask: Bool) throws -> String {
            try ledger.call("Export", ["kind": kind, "format": "csv", "mask": mask])["text"] as? String ?? ""
        }
        let items = try export("items", mask: true)
        #expect(items.contains(",孙**,") && !items.contains("孙示例"), "\(items)")
        #expect(items.contains("@first") && items.contains("county-a") && items.contains("值班制度未落实"))
        let commitments = try export("commitments", mask: true)
        #expect(commitments.contains("周**") && !commitments.contains("周示例"))
        let reviews = try export("reviews", mask: true)
        #expect(reviews.contains("钱**") && !reviews.contains("钱示例"))
        let persons = try export("persons", mask: true)
        #expect(
            persons.contains("欧***") && persons.contains("138****5678") && persons.contains("o***@example.org"),
            "\(persons)")
        #expect(!persons.contains("欧阳明华") && !persons.contains("13812345678"))
        let units = try export("units", mask: true)
        #expect(units.contains("甲县卫生健康局"), "units are not people")
        // Without --mask, the sheet is the office's own.
        #expect(try export("items", mask: false).contains("孙示例"))
        #expect(try export("persons", mask: false).contains("13812345678"))
    }
}
