import CadenceConfiguration
import CadenceControl
import CadenceCore
@testable import CadenceDaemon
import CadenceStore
import Foundation
import Logging
import Testing

private func utcInstant(_ text: String) -> Date {
    // "2027-04-01 00:00" in UTC
    let parts = text.split(separator: " ")
    let time = parts[1].split(separator: ":").map { Int($0)! }
    return Date(
        timeIntervalSince1970: TimeInterval(LocalDate(parts[0])!.dayNumber * 86_400 + time[0] * 3600 + time[1] * 60))
}

/// A ledger in UTC with English notices and the given cadences, on 2027-01-01.
private func dutyLedger(cadences: [String: String]) throws -> InProcessLedger {
    try InProcessLedger(
        conf: "[Daemon]\nTimeZone=UTC\nLanguage=en\n", cadences: cadences, now: utcInstant("2027-01-01 00:00"))
}

extension InProcessLedger {
    /// Processes what is due at a UTC time written `2027-04-01 00:00`.
    @discardableResult
    fileprivate func process(at text: String) throws -> [Notice] { try process(at: utcInstant(text)) }
}

private let halfYearInspection = """
    [Cadence]
    Description=Half-year inspection
    OnCalendar=*-06,12-01 09:30
    Kind=inspection
    Period=half-year
    """
private let quarterlyCheck = """
    [Cadence]
    Description=Quarterly integrity check
    OnCalendar=*-03,06,09,12-01 10:00
    Kind=inspection
    Period=quarter
    """

@Suite("Duties are checked and recorded per cadence, not per kind")
struct DutyCadenceTests {
    @Test("A second inspection cadence (quarterly) opens missed-duty items that recording the inspection closes")
    func secondInspectionCadence() throws {
        let ledger = try dutyLedger(cadences: ["half-year-inspection": halfYearInspection, "integrity": quarterlyCheck])
        _ = try ledger.process(at: "2027-01-01 00:00")
        try ledger.manager.store.addUnits(
            [
                NewUnit(id: "city", name: "Example City Bureau", kind: .cityDirect),
                NewUnit(id: "county-a", name: "County A", kind: .countyBureau, parent: "city"),
                NewUnit(id: "county-b", name: "County B", kind: .countyBureau, parent: "city"),
            ], at: ledger.now, actor: nil)
        _ = try ledger.process(at: "2027-03-01 10:00")
        _ = try ledger.process(at: "2027-04-01 00:00")
        let opened = try ledger.manager.store.items(unit: nil, overdueAt: nil, limit: 100).items
        #expect(opened.map(\.unit).sorted() == ["county-a", "county-b"])
        #expect(opened.allSatisfy { $0.origin?.hasPrefix("missed/integrity/2027-Q1/") == true })

        // Recorded late, with the kind and a quarter: only the quarterly cadence has quarters.
        ledger.now = utcInstant("2027-04-02 09:00")
        let reply = try ledger.reply(
            "RecordReview",
            ["unit": "county-a", "kind": "inspection", "period": "2027-Q1", "heldOn": "2027-03-20"])
        let review = try #require((reply["parameters"] as? [String: Any])?["review"] as? [String: Any], "\(reply)")
        #expect(review["cadence"] as? String == "integrity")
        let after = try ledger.manager.store.items(unit: nil, overdueAt: nil, limit: 100).items
        #expect(after.first { $0.unit == "county-a" }?.closedAt != nil)
        #expect(after.first { $0.unit == "county-b" }?.closedAt == nil)

        // Named by its cadence, with no period: the quarter of the day it was held.
        let named = try ledger.reply(
            "RecordReview", ["unit": "county-b", "cadence": "integrity", "heldOn": "2027-03-25"])
        #expect((named["parameters"] as? [String: Any]) != nil, "\(named)")
        let closed = try ledger.manager.store.items(unit: nil, overdueAt: nil, limit: 100).items
        #expect(closed.allSatisfy { $0.closedAt != nil })

        // At the half-year's end the half-year inspection is still owed by both: a quarter's
        // check does not count for it.
        _ = try ledger.process(at: "2027-06-01 10:00")
        _ = try ledger.process(at: "2027-07-01 00:00")
        let halfYear = try ledger.manager.store.items(unit: nil, overdueAt: nil, limit: 100).items.filter {
            $0.origin?.hasPrefix("missed/half-year-inspection/2027-H1/") == true
        }
        #expect(halfYear.map(\.unit).sorted() == ["county-a", "county-b"])
    }

    // Bad input tried: the kind alone when two cadences share it (ambiguous), a cadence that does
    // not exist, a cadence that is not a duty, a kind that contradicts the cadence, a period that
    // is neither cadence's.
    @Test("An ambiguous or wrong duty is refused with the cadences to choose from, and nothing is recorded")
    func ambiguousDutyRefused() throws {
        let monthly = "[Cadence]\nOnCalendar=*-*-01 09:00\nKind=reminder\nPeriod=month\n"
        let ledger = try dutyLedger(
            cadences: ["half-year-inspection": halfYearInspection, "integrity": quarterlyCheck, "monthly": monthly])
        _ = try ledger.process(at: "2027-01-01 00:00")
        try ledger.manager.store.addUnits(
            [
                NewUnit(id: "city", name: "Example City Bureau", kind: .cityDirect),
                NewUnit(id: "county-a", name: "County A", kind: .countyBureau, parent: "city"),
            ], at: ledger.now, actor: nil)
        ledger.now = utcInstant("2027-03-21 09:00")
        let cases: [([String: Any], String)] = [
            (
                ["kind": "inspection"],
                "several cadences are Kind=inspection (half-year-inspection: half-year, integrity: quarter)"
            ),
            (
                ["cadence": "integrty"],
                "there is no cadence 'integrty'; duties recorded per unit: half-year-inspection, integrity"
            ),
            (["cadence": "monthly"], "'monthly' is a reminder cadence, not a duty recorded per unit"),
            (["cadence": "integrity", "kind": "review"], "'integrity' is Kind=inspection, not review"),
            (["kind": "inspection", "period": "2027-03"], "'2027-03' is not a period of any inspection cadence"),
        ]
        for (parameters, message) in cases {
            var call: [String: Any] = ["unit": "county-a", "heldOn": "2027-03-20"]
            call.merge(parameters) { $1 }
            let reply = try ledger.reply("RecordReview", call)
            #expect(reply["error"] as? String == "io.cadenced.Ledger.InvalidArgument", "\(reply)")
            let description = (reply["parameters"] as? [String: Any])?["reason"] as? String ?? "\(reply)"
            #expect(description.contains(message), "\(parameters): \(description)")
        }
        #expect(try ledger.manager.store.reviews(unit: nil, kind: nil, period: nil).isEmpty)
    }

    @Test("The month-end quota check's one journal entry carries CADENCED_UNIT for each short unit")
    func quotaShortfallUnits() throws {
        let quota = "[Cadence]\nOnCalendar=*-*~01 17:00\nKind=quota-check\nPeriod=month\n"
        let ledger = try dutyLedger(cadences: ["month-end-quota": quota])
        _ = try ledger.process(at: "2027-01-01 00:00")
        try ledger.manager.store.addUnits(
            [
                NewUnit(id: "city", name: "Example City Bureau", kind: .cityDirect),
                NewUnit(id: "county-a", name: "County A", kind: .countyBureau, parent: "city"),
                NewUnit(id: "county-b", name: "County B", kind: .countyBureau, parent: "city"),
            ], at: ledger.now, actor: nil)
        for n in 1...4 {
            try ledger.manager.store.submitReport(
                unit: "county-b", month: PeriodKey(rawValue: "2027-01"), submittedOn: LocalDate("2027-01-10")!,
                title: "Report \(n)", liaison: nil, recipient: nil, at: ledger.now, actor: nil)
        }
        _ = try ledger.process(at: "2027-01-31 17:00")
        let notices = try ledger.process(at: "2027-02-01 00:00")
        #expect(notices.map(\.kind) == [.quotaShortfall])
        let entries = ledger.journal.rawEntries.filter { entry in
            entry.contains { $0.name == "CADENCED_KIND" && $0.value == "quota-shortfall" }
        }
        #expect(entries.count == 1)
        let units = entries.first?.filter { $0.name == "CADENCED_UNIT" }.map(\.value) ?? []
        // city (2 owed) and county-a (4 owed) are short; county-b submitted its 4.
        #expect(units.sorted() == ["city", "county-a"])
    }

    @Test("Units= makes county bureaus and city-direct units owe the review; a township or a department owes none")
    func unitsOwingTheDuty() throws {
        let review = """
            [Cadence]
            Description=Quarterly leader review
            OnCalendar=*-03,06,09,12-01 09:00
            Kind=review
            Units=county-bureau city-direct
            Period=quarter
            """
        let ledger = try dutyLedger(cadences: ["quarterly-review": review])
        _ = try ledger.process(at: "2027-01-01 00:00")
        try ledger.manager.store.addUnits(
            [
                NewUnit(id: "city", name: "Example City Bureau", kind: .bureau),
                NewUnit(id: "county-a", name: "County A", kind: .countyBureau, parent: "city"),
                NewUnit(id: "hospital", name: "City Hospital", kind: .cityDirect, parent: "city"),
                NewUnit(id: "town-1", name: "Township One", kind: .township, parent: "county-a"),
                NewUnit(id: "clinic-1", name: "Village Clinic One", kind: .village, parent: "town-1"),
                NewUnit(id: "office", name: "Bureau Office", kind: .department, parent: "city"),
            ], at: ledger.now, actor: nil)
        _ = try ledger.process(at: "2027-03-01 09:00")
        _ = try ledger.process(at: "2027-04-01 00:00")
        let opened = try ledger.manager.store.items(unit: nil, overdueAt: nil, limit: 100).items
        #expect(opened.map(\.unit).sorted() == ["county-a", "hospital"])
        // The evaluation counts the duty for those who owe it, and for nobody else.
        let figures = try EvaluationMaker(store: ledger.manager.store, configuration: ledger.manager.configuration)
            .figures(year: 2027, variant: .yearEnd, unit: nil, at: utcInstant("2027-04-02 00:00"))
        let due = Dictionary(uniqueKeysWithValues: figures.units.map { ($0.id, $0.duty(.review).due) })
        #expect(due == ["city": 0, "county-a": 1, "hospital": 1, "town-1": 0, "clinic-1": 0, "office": 0])
    }

    @Test("Units= naming no kind of unit, or on a cadence that is no duty, is refused at its line")
    func unitsRefused() throws {
        // Bad input: a kind that does not exist (hospital), Units= on a monthly reminder, and a list
        // of nothing (Units=,).
        let bad = """
            [Cadence]
            OnCalendar=*-03,06,09,12-01 09:00
            Kind=review
            Period=quarter
            Units=county-bureau hospital
            """
        let reminder = "[Cadence]\nOnCalendar=*-*-01 09:00\nKind=reminder\nUnits=county-bureau\n"
        let empty = "[Cadence]\nOnCalendar=*-06,12-01 09:30\nKind=inspection\nPeriod=half-year\nUnits=,\n"
        #expect {
            try dutyLedger(cadences: ["quarterly-review": bad, "monthly-reminder": reminder, "inspection": empty])
        } throws: { error in
            let text = (error as? ConfigurationError)?.description ?? "\(error)"
            return text.contains(
                "quarterly-review.cadence:5: Units= 'county-bureau hospital' names 'hospital', which is not a kind of "
                    + "unit (bureau, county-bureau, city-direct")
                && text.contains(
                    "monthly-reminder.cadence:4: Units= 'county-bureau' is for a duty recorded per unit")
                && text.contains("inspection.cadence:5: Units= ',' names no kind of unit")
        }
    }
}
