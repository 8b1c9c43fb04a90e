import Foundation

/// The words of an evaluation report, in Simplified Chinese or English.
public struct EvaluationText: Sendable {
    public var language: NoticeLanguage

    public init(language: NoticeLanguage) {
        self.language = language
    }

    var zh: Bool { language == .zh }

    /// The report's title.
    public func title(_ variant: EvaluationVariant, year: Int) -> String {
        switch (variant, zh) {
        case (.yearEnd, true): "\(year) 年度总评（一年一总评）"
        case (.yearEnd, false): "Year-end overall evaluation \(year) (一年一总评)"
        case (.midYear, true): "\(year) 年半年评估（1—6 月）"
        case (.midYear, false): "Mid-year evaluation \(year), January to June"
        case (.ledgerOpening, true): "\(year) 年初建账"
        case (.ledgerOpening, false): "Ledger opening \(year) (年初建账)"
        case (.ledgerCheck, true): "\(year) 年中查账"
        case (.ledgerCheck, false): "Mid-year ledger check \(year) (年中查账)"
        case (.ledgerCallIn, true): "\(year) 年底要账"
        case (.ledgerCallIn, false): "Year-end ledger call-in \(year) (年底要账)"
        }
    }

    public func asOf(_ text: String) -> String { zh ? "统计时点：\(text)" : "Figures as of \(text)" }

    /// Which result a report is, for its title: preliminary (taken before the window ends) or final.
    public func standingTag(final: Bool) -> String {
        switch (final, zh) {
        case (false, true): "初步结果"
        case (false, false): "preliminary"
        case (true, true): "最终结果"
        case (true, false): "final"
        }
    }

    /// What the standing means, under the title.
    /// `recordsThrough` is the day up to which late records count, when after the period's end.
    public func standing(final: Bool, end: String, recordsThrough: String? = nil) -> String {
        if final, let through = recordsThrough {
            return zh
                ? "最终结果：统计区间已结束，数字为区间结束时的台账状态；区间内的点评、检查和信息报送在 \(through) 前补记的也已计入（记为逾期完成）。可作为正式结果通报（对外请用隐去姓名的版本）。"
                : "Final: the period has ended and every figure is the ledger as it stood at its end; reviews, "
                    + "inspections and reports of the period recorded by \(through) count too (as held late). This "
                    + "is the result to circulate (the copy with names masked outside the office)."
        }
        return switch (final, zh) {
        case (false, true):
            "初步结果：统计时点早于统计区间结束（\(end)），此后到期的信息报送和职责（如最后一个月的信息报送、最后一个季度的点评）尚未到期、不计为缺失；以区间结束后生成的最终结果为准。"
        case (false, false):
            "Preliminary: the figures are taken before the period ends (\(end)), so reports and duties falling due "
                + "later (the last month's reports, the last quarter's review) are not yet due and not counted as "
                + "missing; the final result, written after the period ends, is the one that counts."
        case (true, true): "最终结果：统计区间已结束，所有数字为区间结束时的台账状态，可作为正式结果通报（对外请用隐去姓名的版本）。"
        case (true, false):
            "Final: the period has ended and every figure is the ledger as it stood at its end; this is the result "
                + "to circulate (the copy with names masked outside the office)."
        }
    }

    public func window(_ start: String, _ end: String) -> String {
        zh ? "统计区间：\(start) 至 \(end)（不含）" : "Period: \(start) to \(end) (exclusive)"
    }

    public func scope(_ unit: String?, count: Int) -> String {
        switch (unit, zh) {
        case (nil, true): "范围：全部单位（\(count) 个）"
        case (nil, false): "Scope: every unit (\(count))"
        case (let unit?, true): "范围：\(unit) 及其下属单位（\(count) 个）"
        case (let unit?, false): "Scope: \(unit) and its sub-units (\(count))"
        }
    }

    public var masked: String { zh ? "姓名已隐去（以角色和代号代替）" : "Names masked (role and code instead)" }

    // MARK: Sections

    public var summary: String { zh ? "概览" : "Summary" }
    public var rates: String { zh ? "主要指标" : "Rates" }
    public func ranking(_ variant: EvaluationVariant) -> String {
        variant.isLedgerCheckpoint ? (zh ? "分单位台账" : "The ledger by unit") : (zh ? "综合排名" : "Ranking")
    }
    public var rankingRuleLabel: String { zh ? "排名规则" : "Ranking rule" }
    public var heatMap: String { zh ? "信息报送定额热力图（单位 × 月）" : "Information reports against quota (units × months)" }
    public var burndown: String { zh ? "整改销号燃尽图" : "Rectification burn-down" }
    public func itemList(_ variant: EvaluationVariant) -> String {
        variant.isLedgerCheckpoint ? (zh ? "未销号事项" : "Items still open") : (zh ? "逾期未整改事项" : "Items still overdue")
    }
    public var definitions: String { zh ? "口径说明" : "Definitions" }
    public var noItems: String { zh ? "无。" : "None." }
    public var noQuotaUnits: String { zh ? "范围内没有承担信息报送定额的单位。" : "No unit in scope owes information reports." }
    public func moreItems(_ count: Int) -> String {
        zh
            ? "另有 \(count) 项未列出，完整清单见 CSV/JSON 或 cadencectl overdue。"
            : "\(count) more not listed here; see the CSV or JSON, or cadencectl overdue."
    }

    // MARK: Summary figures

    public var units: String { zh ? "单位" : "Units" }
    public var commitmentsFulfilled: String { zh ? "承诺兑现" : "Commitments fulfilled" }
    public var dutiesHeld: String { zh ? "规定动作开展" : "Duties held" }
    public var quotaMet: String { zh ? "信息报送达标月" : "Report months at quota" }
    public var itemsClosed: String { zh ? "整改销号" : "Items closed" }
    public var overdueNow: String { zh ? "逾期未改" : "Overdue now" }

    // MARK: Columns

    public var rank: String { zh ? "名次" : "Rank" }
    public var unit: String { zh ? "单位" : "Unit" }
    public var unitID: String { zh ? "单位编号" : "Unit id" }
    public var kind: String { zh ? "类别" : "Kind" }
    public var score: String { zh ? "得分" : "Score" }
    public var commitments: String { zh ? "承诺 兑现/作出" : "Commitments fulfilled/made" }
    public var made: String { zh ? "作出承诺" : "Commitments made" }
    public var fulfilled: String { zh ? "兑现" : "Fulfilled" }
    public var partial: String { zh ? "部分兑现" : "Partly fulfilled" }
    public var unfulfilled: String { zh ? "未兑现" : "Unfulfilled" }
    public var notEvaluated: String { zh ? "未评定" : "Not evaluated" }
    public var fulfilmentRate: String { zh ? "兑现率" : "Fulfilment rate" }
    public func duty(_ kind: CadenceKind) -> String {
        switch (kind, zh) {
        case (.review, true): "领导点评"
        case (.review, false): "Reviews"
        case (.inspection, true): "检查"
        case (.inspection, false): "Inspections"
        case (.appraisal, true): "群众评议"
        case (.appraisal, false): "Appraisals"
        case (.evaluation, true): "总评"
        case (.evaluation, false): "Evaluations"
        default: kind.rawValue
        }
    }
    public var heldDue: String { zh ? "已开展/应开展" : "held/due" }
    public var held: String { zh ? "已开展" : "held" }
    public var due: String { zh ? "应开展" : "due" }
    public var heldLate: String { zh ? "补记" : "held late" }
    public var quotaMonths: String { zh ? "报送达标月/应评月" : "Report months met/judged" }
    public var monthsMet: String { zh ? "报送达标月" : "Report months met" }
    public var monthsJudged: String { zh ? "报送应评月" : "Report months judged" }
    public var monthlyQuota: String { zh ? "月定额" : "Monthly quota" }
    public var carriedOver: String { zh ? "结转" : "Carried over" }
    public var opened: String { zh ? "新增" : "Opened" }
    public var closedOnTime: String { zh ? "按期销号" : "Closed on time" }
    public var closedLate: String { zh ? "逾期销号" : "Closed late" }
    public var open: String { zh ? "未销号" : "Open" }
    public var overdue: String { zh ? "逾期未改" : "Overdue" }
    public var deferred: String { zh ? "延期" : "Deferred" }
    public var referred: String { zh ? "上报" : "Referred" }
    public var escalated: String { zh ? "升级" : "Escalated" }
    public var accountability: String { zh ? "问责" : "Accountability" }
    public var reopened: String { zh ? "重新整改" : "Reopened" }
    public var rectificationRate: String { zh ? "整改完成率" : "Rectification rate" }
    public var onTimeRate: String { zh ? "按期销号率" : "Closed on time" }
    public var notRanked: String { zh ? "不参加排名" : "not ranked" }

    public var rate: String { zh ? "指标" : "Rate" }
    public var value: String { zh ? "数值" : "Value" }
    public var basis: String { zh ? "计算" : "Basis" }
    public var target: String { zh ? "目标" : "Target" }
    public var status: String { zh ? "是否达标" : "Meets target" }
    public var yes: String { zh ? "达标" : "yes" }
    public var no: String { zh ? "未达标" : "no" }
    public var notRecorded: String { zh ? "台账未记录，不计算" : "not recorded in the ledger" }

    public var itemNumber: String { "#" }
    public var itemTitle: String { zh ? "事项" : "Item" }
    public var source: String { zh ? "来源" : "Source" }
    public var deadline: String { zh ? "整改时限" : "Deadline" }
    public var daysOverdue: String { zh ? "逾期天数" : "Days overdue" }
    public var level: String { zh ? "升级至" : "Escalated to" }
    public var state: String { zh ? "状态" : "State" }
    public var responsible: String { zh ? "责任人" : "Responsible" }
    public var at: String { zh ? "时点" : "At" }
    public var withinDeadline: String { zh ? "未到期" : "Within deadline" }
    public var start: String { zh ? "年初" : "start" }
    public var month: String { zh ? "月" : "Month" }

    // MARK: Names

    public func monthName(_ number: Int) -> String {
        zh
            ? "\(number)月"
            : ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][(number - 1) % 12]
    }

    public func quotaState(_ state: QuotaState) -> String {
        switch (state, zh) {
        case (.met, true): "达标"
        case (.met, false): "at quota"
        case (.short, true): "未达标"
        case (.short, false): "short"
        case (.pending, true): "本月进行中"
        case (.pending, false): "month under way"
        case (.future, true): "未到"
        case (.future, false): "not yet"
        case (.notRequired, true): "无定额"
        case (.notRequired, false): "no quota"
        }
    }

    public func role(_ role: String) -> String {
        switch (role, zh) {
        case ("first", true): "第一责任人"
        case ("first", false): "First responsible"
        case ("main", true): "主要责任人"
        case ("main", false): "Main responsible"
        case ("direct", true): "直接责任人"
        case ("direct", false): "Direct responsible"
        default: role
        }
    }

    public func closedLater(_ day: String) -> String { zh ? "已于 \(day) 销号" : "closed on \(day)" }

    public func removed(_ day: String) -> String { zh ? "（\(day) 撤销）" : "(removed \(day))" }

    public var vacant: String { zh ? "（空缺）" : "(vacant)" }

    public func level(_ level: EscalationLevel?) -> String {
        switch (level, zh) {
        case (nil, _): "—"
        case (.circular?, true): "通报"
        case (.circular?, false): "circular"
        case (.talk?, true): "约谈"
        case (.talk?, false): "talk"
        case (.accountability?, true): "责任追究"
        case (.accountability?, false): "accountability"
        }
    }

    /// `：` in Chinese, `: ` in English.
    public var colon: String { zh ? "：" : ": " }

    public func source(_ source: String) -> String {
        guard zh, let known = ItemSource(rawValue: source) else {
            return source.replacingOccurrences(of: "-", with: " ")
        }
        switch known {
        case .selfExamination: return "自查"
        case .mutualHelp: return "互查"
        case .superior: return "上级点评"
        case .superiorCircular: return "上级通报"
        case .publicAppraisal: return "群众评议"
        case .unannouncedVisit: return "暗访"
        case .inspection: return "检查"
        case .complaint: return "投诉"
        case .petition: return "信访"
        case .media: return "媒体"
        case .reviewMeeting: return "点评会"
        case .hazardSweep: return "隐患排查"
        case .missedDuty: return "未按期开展"
        }
    }

    public func state(_ state: String) -> String {
        guard zh, let known = ItemState(rawValue: state) else { return state.replacingOccurrences(of: "-", with: " ") }
        switch known {
        case .open: return "待整改"
        case .inProgress: return "整改中"
        case .rectified: return "已整改待验收"
        case .closed: return "已销号"
        case .deferred: return "延期"
        case .referred: return "已上报"
        case .reopened: return "重新整改"
        case .removed: return "已删除"
        }
    }

    public func unitKind(_ kind: String) -> String {
        guard zh, let known = UnitKind(rawValue: kind) else { return kind }
        switch known {
        case .bureau: return "局"
        case .countyBureau: return "县局"
        case .cityDirect: return "市直单位"
        case .district: return "城区"
        case .township: return "乡镇卫生院"
        case .village: return "村卫生室"
        case .partyCommittee: return "党委"
        case .branch: return "支部"
        case .department: return "科室"
        case .other: return "其他"
        }
    }
}
