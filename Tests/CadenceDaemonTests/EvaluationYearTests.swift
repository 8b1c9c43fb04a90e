import CadenceConfiguration
import CadenceCore
import CadenceDaemon
import CadenceStore
import Foundation
import Testing

/// The year-end evaluation (issue 6) of a sample year walked by the real manager: every figure is
/// compared with what the test computes from the year's script by the stated definitions.
@Suite("The year-end evaluation of a sample year")
struct EvaluationYearTests {
    @Test("Every figure at the year-end evaluation equals the one computed from the script")
    func figuresMatchTheScript() throws {
        let year = try EvaluationSampleYear()
        let t = year.evaluationAt
        let figures = try EvaluationMaker(store: year.store, configuration: year.configuration).figures(
            year: 2026, variant: .yearEnd, unit: nil, at: t)
        let expected = EvaluationExpected(year, at: t)
        #expect(figures.window.asOf == t)
        #expect(figures.units.map(\.id) == expected.units.map(\.id))
        for (unit, want) in zip(figures.units, expected.units) {
            #expect(unit.commitments == want.commitments, "\(unit.id) commitments")
            for kind in DutyCounts.kinds {
                #expect(unit.duty(kind) == want.duties[kind] ?? DutyCounts(kind: kind), "\(unit.id) \(kind)")
            }
            #expect(unit.months == want.months, "\(unit.id) months")
            #expect(unit.items == want.items, "\(unit.id) items")
        }
        // The script reaches every case the definitions name.
        let total = expected.units.reduce(ItemCounts()) { $0 + $1.items }
        for (name, count) in [
            ("carried over", total.carriedOver), ("closed on time", total.closedOnTime),
            ("closed late", total.closedLate),
            ("overdue", total.overdue), ("deferred", total.deferred), ("referred", total.referred),
            ("escalated", total.escalated), ("accountability", total.accountability), ("reopened", total.reopened),
        ] {
            #expect(count > 0, "the sample has items \(name)")
        }
        #expect(expected.units.contains { $0.duties.values.contains { $0.heldLate > 0 } })
        #expect(expected.units.contains { $0.months.contains { $0.state == .short } })
        #expect(expected.units.contains { $0.months.contains { $0.state == .pending } })

        #expect(figures.burndown.map(\.at) == expected.burndown.map(\.at))
        #expect(figures.burndown.map(\.open) == expected.burndown.map(\.open))
        #expect(figures.burndown.map(\.overdue) == expected.burndown.map(\.overdue))
        for (source, counts) in expected.bySource {
            #expect(
                figures.bySource[source] == SourceCounts(onLedger: counts.onLedger, closed: counts.closed), "\(source)")
        }
        #expect(Set(figures.bySource.keys) == Set(expected.bySource.keys))

        // The items still overdue, with their level and responsible people at the instant.
        #expect(figures.items.allSatisfy { $0.overdue })
        func key(_ unit: String, _ source: String, _ deadline: Date) -> String {
            "\(unit)|\(source)|\(deadline.micros)"
        }
        #expect(
            figures.items.map { key($0.unit, $0.source, $0.deadline) }.sorted()
                == expected.overdue.map { key($0.unit, $0.source, $0.deadline) }.sorted())
        for want in expected.overdue {
            let got = figures.items.first { item in
                if let id = want.id { return item.id == id }
                return key(item.unit, item.source, item.deadline) == key(want.unit, want.source, want.deadline)
            }
            guard let got else { continue }
            let level: EscalationLevel? =
                want.accountability.map { $0 <= t } == true
                ? .accountability
                : want.talk.map { $0 <= t } == true ? .talk : want.circular.map { $0 <= t } == true ? .circular : nil
            #expect(got.level == level, "item #\(got.id) level")
            #expect(got.responsible.first { $0.role == "first" }?.person == want.first, "item #\(got.id) first")
            #expect(got.responsible.first { $0.role == "main" }?.person == want.main, "item #\(got.id) main")
            #expect(got.responsible.first { $0.role == "direct" }?.person == want.direct, "item #\(got.id) direct")
        }
        // county-a's head changed in July: its overdue items answer to the new one.
        #expect(figures.items.contains { $0.unit == "county-a" && $0.responsible.first?.person == "沈示例" })

        // The ranking, by the rule the report states.
        let assessment = EvaluationAssessment(figures)
        let ranked = assessment.lines.map { ($0.unit.id, $0.rank) }
        #expect(ranked.map(\.0) == expected.ranking.map(\.unit))
        #expect(ranked.map(\.1) == expected.ranking.map(\.rank))
        for (line, want) in zip(assessment.lines, expected.ranking) {
            #expect(line.score == want.score, "\(line.unit.id) score")
        }
        #expect(assessment.lines.filter { $0.rank != nil }.count >= 10)
    }

    @Test("The JSON and CSV carry the same figures, and the rates of R12 are right")
    func renderedFiguresMatch() throws {
        let year = try EvaluationSampleYear()
        let t = year.evaluationAt
        let expected = EvaluationExpected(year, at: t)
        let report = try EvaluationMaker(store: year.store, configuration: year.configuration).report(
            year: 2026, variant: .yearEnd, unit: nil, at: t, language: .en, mask: false)

        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(report.render(.json).utf8)) as? [String: Any])
        #expect(json["year"] as? Int == 2026)
        #expect(json["asOf"] as? String == ISOTimestamp.utc(t))
        let units = try #require(json["units"] as? [[String: Any]])
        #expect(units.map { $0["id"] as? String } == expected.ranking.map(\.unit))
        for unit in units {
            let id = unit["id"] as? String ?? ""
            let want = try #require(expected.units.first { $0.id == id })
            let items = unit["items"] as? [String: Int] ?? [:]
            #expect(items["closedOnTime"] == want.items.closedOnTime, "\(id)")
            #expect(items["closedLate"] == want.items.closedLate, "\(id)")
            #expect(items["overdue"] == want.items.overdue, "\(id)")
            #expect(items["escalated"] == want.items.escalated, "\(id)")
            let commitments = unit["commitments"] as? [String: Int] ?? [:]
            #expect(commitments["made"] == want.commitments.made, "\(id)")
            #expect(commitments["fulfilled"] == want.commitments.fulfilled, "\(id)")
            let reviews = (unit["duties"] as? [String: Any])?["review"] as? [String: Int] ?? [:]
            #expect(reviews["held"] == (want.duties[.review]?.held ?? 0), "\(id)")
            #expect(reviews["due"] == (want.duties[.review]?.due ?? 0), "\(id)")
        }
        // Rates: fulfilment, appraisal coverage, petitions, hazards; satisfaction is not computable.
        let rates = Dictionary(
            uniqueKeysWithValues: (json["rates"] as? [[String: Any]] ?? []).map { ($0["key"] as? String ?? "", $0) })
        let made = expected.units.reduce(0) { $0 + $1.commitments.made }
        let fulfilled = expected.units.reduce(0) { $0 + $1.commitments.fulfilled }
        #expect(rates["fulfilment"]?["part"] as? Int == fulfilled)
        #expect(rates["fulfilment"]?["whole"] as? Int == made)
        let appraisals = expected.units.compactMap { $0.duties[.appraisal] }
        #expect(rates["appraisal-coverage"]?["part"] as? Int == appraisals.reduce(0) { $0 + $1.held })
        #expect(rates["appraisal-coverage"]?["whole"] as? Int == appraisals.reduce(0) { $0 + $1.due })
        #expect(rates["petition-closure"]?["part"] as? Int == expected.bySource["petition"]?.closed)
        #expect(rates["petition-closure"]?["whole"] as? Int == expected.bySource["petition"]?.onLedger)
        #expect(rates["hazard-rectification"]?["whole"] as? Int == expected.bySource["hazard-sweep"]?.onLedger)
        #expect(rates["satisfaction"]?["computable"] as? Bool == false)
        #expect(rates["satisfaction"]?["percent"] is NSNull)

        // The CSV: one row per unit under the header, in ranking order.
        let csv = try CSV.table(CSV.parse(report.render(.csv)))
        #expect(csv.header == report.csvHeader)
        #expect(csv.header.count == 5 + 6 + 8 + 4 + 12 + 13)
        #expect(csv.rows.map { $0.fields[1] } == expected.ranking.map(\.unit))
        let column = { (name: String) in csv.header.firstIndex(of: name)! }
        for row in csv.rows {
            let want = try #require(expected.units.first { $0.id == row.fields[1] })
            #expect(row.fields[column("Overdue")] == "\(want.items.overdue)")
            #expect(row.fields[column("Closed late")] == "\(want.items.closedLate)")
            #expect(row.fields[column("Commitments made")] == "\(want.commitments.made)")
            #expect(row.fields[column("Mar reports")] == "\(want.months[2].submitted)")
            #expect(
                row.fields[column("Rank")] == (expected.ranking.first { $0.unit == want.id }?.rank).map(String.init)
                    ?? "")
        }
    }

    @Test("The year-end cadence writes the report next to its notice, once, equal to one made later for that instant")
    func automaticReport() throws {
        let year = try EvaluationSampleYear()
        let folder = year.noticeDirectory + "/2026/12/18"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter {
            $0.hasPrefix("090000-evaluation-")
        }
        .sorted()
        #expect(files.count == 4, "\(files)")
        #expect(files.allSatisfy { $0.hasPrefix("090000-evaluation-year-end-2026-") })
        #expect(Set(files.map { ($0 as NSString).pathExtension }) == ["html", "md", "csv"])
        #expect(files.filter { $0.hasSuffix("-masked.html") }.count == 1)
        // The occurrence's notice is in the same folder.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder).contains {
                $0.contains("occurrence-year-end-evaluation")
            })

        let language = year.configuration.daemon.resolvedLanguage(lang: ProcessInfo.processInfo.environment["LANG"])
        let later = try EvaluationMaker(store: year.store, configuration: year.configuration).report(
            year: 2026, variant: .yearEnd, unit: nil, at: year.evaluationAt, language: language, mask: false)
        let csvPath = folder + "/" + files.first { $0.hasSuffix(".csv") }!
        let written = try Data(contentsOf: URL(fileURLWithPath: csvPath))
        #expect(Array(written.prefix(3)) == [0xEF, 0xBB, 0xBF], "UTF-8 with a byte order mark")
        #expect(String(decoding: written.dropFirst(3), as: UTF8.self) == later.render(.csv))
        let markdown = try String(contentsOfFile: folder + "/" + files.first { $0.hasSuffix(".md") }!, encoding: .utf8)
        // Up to the list of items, whose states may have moved on since (one was closed on the 22nd).
        let listHeading = "## " + later.text.itemList(.yearEnd)
        #expect(
            markdown.components(separatedBy: listHeading)[0]
                == later.render(.md).components(separatedBy: listHeading)[0])

        // The masked page names nobody.
        let masked = try String(
            contentsOfFile: folder + "/" + files.first { $0.hasSuffix("-masked.html") }!, encoding: .utf8)
        for person in ["沈示例", "Alex Sample", "示例科长", "主管A示例"] { #expect(!masked.contains(person), "\(person)") }
        #expect(masked.contains(">P1<"))

        // Processing again (the occurrence is recorded) writes nothing more and changes nothing.
        let before = try files.map { try Data(contentsOf: URL(fileURLWithPath: folder + "/" + $0)) }
        try year.manager.process(at: year.end.addingTimeInterval(3600))
        let after = try FileManager.default.contentsOfDirectory(atPath: folder).filter {
            $0.hasPrefix("090000-evaluation-")
        }
        .sorted()
        #expect(after == files)
        #expect(try after.map { try Data(contentsOf: URL(fileURLWithPath: folder + "/" + $0)) } == before)
    }

    @Test("Mid-year and ledger checkpoints: their windows, no ranking at a checkpoint, every open item listed")
    func variants() throws {
        let year = try EvaluationSampleYear()
        let maker = EvaluationMaker(store: year.store, configuration: year.configuration)
        let mid = try maker.figures(year: 2026, variant: .midYear, unit: nil, at: year.end)
        #expect(mid.window.asOf == sampleTime("2026-07-01 00:00"))
        #expect(mid.window.months.count == 6)
        #expect(mid.burndown.count == 7)
        let expectedMid = EvaluationExpected(year, at: sampleTime("2026-07-01 00:00"))
        for (unit, want) in zip(mid.units, expectedMid.units) {
            #expect(unit.items == want.items, "\(unit.id)")
            #expect(unit.commitments == want.commitments, "\(unit.id)")
            // Only the first half's periods: Q1, Q2 and H1.
            #expect(unit.duty(.review).due <= 2 && unit.duty(.inspection).due <= 1 && unit.duty(.evaluation).due == 0)
        }

        let check = try maker.figures(year: 2026, variant: .ledgerCallIn, unit: nil, at: year.evaluationAt)
        let open = EvaluationExpected(year, at: year.evaluationAt).items.filter {
            $0.created <= year.evaluationAt && ($0.closed.map { $0 > year.evaluationAt } ?? true)
        }
        #expect(check.items.count == open.count)
        #expect(check.items.contains { !$0.overdue })
        #expect(EvaluationAssessment(check).lines.allSatisfy { $0.rank == nil })
        #expect(EvaluationAssessment(check).lines.map(\.unit.id) == check.units.map(\.id))

        // A subtree: county-a and its township centres (one removed in September).
        let county = try maker.figures(year: 2026, variant: .yearEnd, unit: "county-a", at: year.evaluationAt)
        #expect(county.units.map(\.id) == ["county-a", "town-a1", "town-a2"])
        #expect(county.items.allSatisfy { ["county-a", "town-a1", "town-a2"].contains($0.unit) })
        #expect(throws: LedgerError.unknownUnit("nowhere")) {
            try maker.figures(year: 2026, variant: .yearEnd, unit: "nowhere", at: year.evaluationAt)
        }
        #expect(throws: EvaluationMakerError.notBegun(year: 2027, at: "2026-12-18 09:00 (UTC+08:00)")) {
            try maker.figures(year: 2027, variant: .yearEnd, unit: nil, at: year.evaluationAt)
        }
    }
}
