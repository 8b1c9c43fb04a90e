import CadenceControl
import CadenceCore
import CadenceStore
import Foundation

/// Words offices write in their sheets for the ledger's vocabularies, beside the ledger's own.
enum RecordWords {
    static let kinds: [String: ReviewKind] = [
        "点评": .review, "點評": .review, "领导点评": .review, "領導點評": .review, "检查": .inspection, "檢查": .inspection,
        "评议": .appraisal, "評議": .appraisal, "测评": .appraisal, "測評": .appraisal, "总评": .evaluation,
        "總評": .evaluation, "考评": .evaluation, "考評": .evaluation,
    ]
    static let forms: [String: ReviewForm] = [
        "集中": .plenary, "集中点评": .plenary, "集中點評": .plenary, "个别": .individual, "個別": .individual,
        "个别点评": .individual, "個別點評": .individual, "现场": .onSite, "現場": .onSite, "随机": .random,
        "隨機": .random, "日常": .routine,
    ]
    static let statuses: [String: CommitmentStatus] = [
        "已兑现": .fulfilled, "已兌現": .fulfilled, "兑现": .fulfilled, "兌現": .fulfilled, "部分兑现": .partial,
        "部分兌現": .partial, "基本兑现": .partial, "基本兌現": .partial, "未兑现": .unfulfilled, "未兌現": .unfulfilled,
    ]
    /// The word a Chinese export writes for each (the import reads it back).
    static let kindWord: [ReviewKind: String] = [
        .review: "点评", .inspection: "检查", .appraisal: "评议", .evaluation: "总评",
    ]
    static let formWord: [ReviewForm: String] = [
        .plenary: "集中", .individual: "个别", .onSite: "现场", .random: "随机", .routine: "日常",
    ]
    static let statusWord: [CommitmentStatus: String] = [
        .fulfilled: "已兑现", .partial: "部分兑现", .unfulfilled: "未兑现",
    ]
    static let yes: Set<String> = ["yes", "true", "1", "是", "y"]
    static let no: Set<String> = ["no", "false", "0", "否", "n"]

    /// A value of `vocabulary` (its own word or an office's), or the reason it is none.
    static func parse<Value: Vocabulary>(_ text: String, _ field: String, _ words: [String: Value]) -> Result<
        Value, RowProblem
    > {
        if let value = Value(rawValue: text.lowercased()) ?? words[text] { return .success(value) }
        let offices = words.keys.sorted().prefix(6).joined(separator: ", ")
        return .failure(
            RowProblem(line: 0, reason: "\(field) '\(text)' is not one of: \(Value.names) (or \(offices)…)"))
    }
}

extension LedgerExchange {
    typealias SheetRow = (line: Int, values: [String: String])

    /// A date column as offices type it, or the reason it is none.
    static func date(_ text: String, _ field: String) -> Result<LocalDate, RowProblem> {
        if let date = LocalDate(text) ?? OfficeDate.normalized(text).flatMap(LocalDate.init) { return .success(date) }
        return .failure(
            RowProblem(
                line: 0,
                reason: "\(field) '\(text)' "
                    + (OfficeDate.problem(text) ?? "is not a date (2026-10-31, 2026/10/31, 2026年10月31日)")))
    }

    /// The reason of a refusal the request's checks gave, for a row.
    static func reason(_ error: any Error) -> String {
        if let error = error as? VarlinkError, let reason = error.parameters["reason"] as? String { return reason }
        return "\(error)"
    }

    /// Imports reviews held, reports submitted or commitments evaluated: every row checked as the
    /// single call would check it, then all written in one transaction, or none.
    func importRecords(
        kind: ExchangeKind, _ rows: [SheetRow], problems: [RowProblem], dryRun: Bool, ignored: [String]
    ) throws -> [String: Any] {
        var problems = problems
        let valid = { (row: SheetRow) in !problems.contains { $0.line == row.line } }
        let units = try UnitNames(request.store.units())
        let today = request.today
        /// The row with its unit column as an id, or nil with the problem noted.
        func resolved(_ row: SheetRow) -> [String: String]? {
            var v = row.values
            if let unit = v["unit"] {
                switch units.resolve(unit) {
                case .success(let id): v["unit"] = id
                case .failure(let problem):
                    problems.append(RowProblem(line: row.line, reason: problem.description))
                    return nil
                }
            }
            return v
        }
        /// Each good row as `make` reads it (the unit column first resolved); a row it refuses is a
        /// problem with its line.
        func records<Record>(_ make: ([String: String]) throws -> Record) -> [(Int, Record)] {
            var out: [(Int, Record)] = []
            for row in rows where valid(row) {
                guard let values = resolved(row) else { continue }
                do {
                    out.append((row.line, try make(values)))
                } catch let problem as RowProblem {
                    problems.append(RowProblem(line: row.line, reason: problem.reason))
                } catch {
                    problems.append(RowProblem(line: row.line, reason: Self.reason(error)))
                }
            }
            return out
        }
        var result = RecordImport()
        switch kind {
        case .reviews:
            let reviews = records { try review($0, today: today) }.map { (line: $0.0, review: $0.1) }
            let onlyCheck = dryRun || !problems.isEmpty
            Self.collect(&problems) {
                result = try manager.store.recordReviews(
                    reviews, dryRun: onlyCheck, at: request.now, actor: request.actor)
            }
        case .reports:
            let reports = records { v -> NewReport in
                let submitted = try Self.date(v["submittedOn"]!, "submittedOn").get()
                guard submitted <= today else {
                    throw RowProblem(line: 0, reason: "submittedOn \(submitted) is in the future")
                }
                let month = try request.monthKey(v["month"]) ?? PeriodKey(.month, date: submitted)
                try request.begun(month, by: submitted, "month", "the day it was submitted (\(submitted))")
                return NewReport(
                    unit: v["unit"]!, month: month, submittedOn: submitted, title: v["title"]!, liaison: v["liaison"],
                    recipient: v["recipient"])
            }.map { (line: $0.0, report: $0.1) }
            let onlyCheck = dryRun || !problems.isEmpty
            Self.collect(&problems) {
                result = try manager.store.submitReports(
                    reports, dryRun: onlyCheck, at: request.now, actor: request.actor)
            }
        case .evaluations:
            let evaluations = records { v -> NewEvaluation in
                guard let id = Int64(v["commitment"]!.trimmingCharacters(in: CharacterSet(charactersIn: "#"))) else {
                    throw RowProblem(line: 0, reason: "commitment '\(v["commitment"]!)' is not a commitment's number")
                }
                let status = try RecordWords.parse(v["status"]!, "status", RecordWords.statuses).get()
                let period = try request.periodKey(v["period"], kind: .review, on: today)
                try request.begun(period, by: today, "period", "today")
                return NewEvaluation(commitment: id, period: period, status: status, note: v["note"])
            }.map { (line: $0.0, evaluation: $0.1) }
            let onlyCheck = dryRun || !problems.isEmpty
            Self.collect(&problems) {
                result = try manager.store.evaluateCommitments(
                    evaluations, dryRun: onlyCheck, at: request.now, actor: request.actor)
            }
        case .units, .commitments, .items, .persons:
            preconditionFailure("\(kind) is not a record import")
        }
        var answer = reply(kind, rows.count, problems, dryRun, ignored: ignored)
        let good = problems.isEmpty && !dryRun
        answer["imported"] = good ? result.added : 0
        answer["added"] = good ? result.added : 0
        answer["unchanged"] = problems.isEmpty ? result.already : 0
        return answer
    }

    /// A review row as the `RecordReview` call would take it.
    private func review(_ v: [String: String], today: LocalDate) throws -> NewReview {
        let heldOn = try Self.date(v["heldOn"]!, "heldOn").get()
        guard heldOn <= today else { throw RowProblem(line: 0, reason: "heldOn \(heldOn) is in the future") }
        let kind = try v["kind"].map { try RecordWords.parse($0, "kind", RecordWords.kinds).get() }
        let form = try v["form"].map { try RecordWords.parse($0, "form", RecordWords.forms).get() }
        var override = false
        if let text = v["override"]?.lowercased() {
            guard RecordWords.yes.contains(text) || RecordWords.no.contains(text) else {
                throw RowProblem(line: 0, reason: "override '\(text)' is not yes or no (是/否)")
            }
            override = RecordWords.yes.contains(text)
        }
        let cadence = try request.dutyCadence(named: v["cadence"], kind: kind?.cadenceKind, period: v["period"])
        let period = try request.periodKey(v["period"], length: cadence.length, on: heldOn)
        try request.begun(period, by: heldOn, "period", "the day it was held (\(heldOn))")
        var counts: [String: Int] = [:]
        for name in ["formsReturned", "satisfied", "members", "membersAppraised"] {
            guard let text = v[name] else { continue }
            guard let number = Int(text) else { throw RowProblem(line: 0, reason: "\(name) '\(text)' is not a number") }
            counts[name] = number
        }
        var review = NewReview(
            unit: v["unit"]!, kind: cadence.kind, period: period, heldOn: heldOn, form: form, reviewer: v["reviewer"],
            byUnit: v["byUnit"], subject: v["subject"], outcome: v["outcome"], override: override,
            cadence: cadence.name)
        review.results =
            AppraisalResults(
                formsReturned: counts["formsReturned"], satisfied: counts["satisfied"], members: counts["members"],
                membersAppraised: counts["membersAppraised"]
            ).nonEmpty
        return review
    }
}
