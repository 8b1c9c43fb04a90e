import CadenceCore
import CadenceStore
import Foundation

extension LedgerRequest {
    /// A plan's inspection groups for people (R14): who leads each, and which units of its zone
    /// have had a visit in the current period (of its `Every=`) and which have not yet.
    func groupLines(_ plan: CampaignPlan, zh: Bool) throws -> [String] {
        guard !plan.groups.isEmpty else { return [] }
        let units = Dictionary(
            try store.units(includeRemoved: false).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var records: [(unit: String, kind: ReviewKind, heldOn: LocalDate)] = []
        for kind in Set(plan.groups.flatMap(\.visits)) {
            for review in try store.reviews(unit: nil, kind: kind.cadenceKind, period: nil) {
                if let day = LocalDate(review.heldOn) { records.append((review.unit, kind, day)) }
            }
        }
        func person(_ text: String) throws -> String { try store.person(text)?.name ?? text }
        let separator = zh ? "、" : ", "
        var lines = [zh ? "督查组与责任区：" : "Inspection groups and their zones:"]
        for group in plan.groups {
            var who: [String] = []
            if let leader = group.leader { who.append((zh ? "组长 " : "leader ") + (try person(leader))) }
            if !group.members.isEmpty {
                who.append(
                    (zh ? "成员 " : "members ") + (try group.members.map(person)).joined(separator: separator))
            }
            let counts = group.visitCounts(on: today, records: records)
            let known = counts.filter { units[$0.unit] != nil }
            let visited = known.filter { $0.visits > 0 }
            let period = PeriodKey(group.every, date: today).rawValue
            let kinds = group.visits.map { zh ? Self.chineseName($0) : $0.rawValue }.joined(
                separator: zh ? "或" : " or ")
            var line = "  \(group.name)"
            if !who.isEmpty { line += "  " + who.joined(separator: zh ? "，" : "; ") }
            line +=
                zh
                ? "：责任区 \(known.count) 个单位，\(period) 已\(kinds) \(visited.count) 个"
                : ": zone of \(known.count) units, \(visited.count) visited (\(kinds)) in \(period)"
            let missing = known.filter { $0.visits == 0 }.map { units[$0.unit] ?? $0.unit }
            if !missing.isEmpty { line += (zh ? "；未\(kinds)：" : "; not yet: ") + missing.joined(separator: separator) }
            let unknown = counts.filter { units[$0.unit] == nil }.map(\.unit)
            if !unknown.isEmpty {
                line += (zh ? "；不在台账中的单位：" : "; units not in the ledger: ") + unknown.joined(separator: separator)
            }
            lines.append(line)
        }
        return lines
    }

    /// What a visit of this kind is called (已检查, 未点评).
    static func chineseName(_ kind: ReviewKind) -> String {
        switch kind {
        case .review: "点评"
        case .inspection: "检查"
        case .appraisal: "评议"
        case .evaluation: "总评"
        }
    }
}
