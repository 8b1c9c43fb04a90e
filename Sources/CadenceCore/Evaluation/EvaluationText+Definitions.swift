extension EvaluationText {
    /// The ranking rule, as stated on every evaluation (see ``EvaluationAssessment``).
    public var rankingRule: String {
        zh
            ? "得分 = 100 × Σ(权重 × 比率) ÷ Σ权重，只计单位有可评内容的项目：承诺兑现（兑现 ÷ 作出，权重 30）、"
                + "规定动作开展（领导点评、检查、群众评议、总评 已开展 ÷ 应开展，权重 25）、信息报送（达标月 ÷ 应评月，权重 15）、"
                + "整改及时（按期销号 ÷（已销号 + 逾期未改），权重 30）、"
                + "活动计划（按期上交的应交事项及达到要求的年度数量、数量范围 ÷ 已到期的，权重 15）。有事项进入责任追究的单位，无论得分，"
                + "排在没有此类事项的单位之后；两组内各按得分（保留一位小数）由高到低排名；"
                + "同分时逾期未改少者在前，再按单位编号排序。只对有上级单位、统计时点仍在册且有可评内容的单位排名（最上级单位为考评机关），"
                + "其余单位按编号列在后面。"
            : "Score = 100 × Σ(weight × ratio) ÷ Σ weights, over the components a unit has something to judge in: "
                + "commitment fulfilment (fulfilled ÷ made, weight 30), duties held (reviews, inspections, appraisals "
                + "and evaluations held ÷ due, weight 25), information reports (months at quota ÷ months judged, "
                + "weight 15), rectification timeliness (closed on time ÷ (closed + overdue), weight 30), campaign "
                + "plans (deliverables handed in on time and yearly counts and ranges within their bounds ÷ those "
                + "judged, weight 15). A unit with "
                + "an item that reached accountability ranks after every unit without one, whatever its score; "
                + "within each group units are "
                + "ranked by score rounded to 0.1, highest first; ties go to fewer overdue items, then to the unit id "
                + "in alphabetical order. Only units under another unit, still in the tree at the instant and with "
                + "something to judge are ranked (the top of the tree is the evaluating body); the others follow by id."
    }

    /// The ledger checkpoints list units by id, without a score.
    public var checkpointRule: String {
        zh
            ? "台账节点报告按单位编号列出各单位的承诺和整改台账，不计得分、不排名。"
            : "A ledger checkpoint lists each unit's commitments and rectification ledger by unit id, without a score "
                + "or a ranking."
    }

    /// The name of a rate of ``EvaluationAssessment/rates``.
    public func rateName(_ key: String) -> String {
        switch (key, zh) {
        case ("fulfilment", true): "承诺兑现率"
        case ("fulfilment", false): "Commitment fulfilment rate"
        case ("appraisal-coverage", true): "群众评议覆盖率（组织）"
        case ("appraisal-coverage", false): "Public appraisal coverage (organisations)"
        case ("member-appraisal-coverage", true): "群众评议覆盖率（党员个人）"
        case ("member-appraisal-coverage", false): "Appraisal coverage (members)"
        case ("satisfaction", true): "群众满意度"
        case ("satisfaction", false): "Public satisfaction"
        case ("complaint-reply", true): "投诉答复率"
        case ("complaint-reply", false): "Complaint reply rate"
        case ("complaint-closure", true): "投诉事项销号率"
        case ("complaint-closure", false): "Complaint items closed"
        case ("petition-closure", true): "信访办结率"
        case ("petition-closure", false): "Petition closure rate"
        case ("hazard-rectification", true): "隐患整改率"
        case ("hazard-rectification", false): "Hazard rectification rate"
        case ("rectification", true): "整改完成率"
        case ("rectification", false): "Rectification rate"
        case ("on-time-closure", true): "按期销号率"
        case ("on-time-closure", false): "Closed on time"
        case ("review-held", true): "领导点评开展率"
        case ("review-held", false): "Leader reviews held"
        case ("inspection-held", true): "检查开展率"
        case ("inspection-held", false): "Inspections held"
        case ("evaluation-held", true): "总评开展率"
        case ("evaluation-held", false): "Evaluations held"
        case ("quota-months", true): "信息报送达标率"
        case ("quota-months", false): "Report quota met (months)"
        default: key
        }
    }

    /// How a rate is computed, or why it is not.
    public func rateBasis(_ key: String) -> String {
        switch (key, zh) {
        case ("fulfilment", true): "兑现 ÷ 作出（按最近一次评定）"
        case ("fulfilment", false): "fulfilled ÷ made (latest evaluation)"
        case ("appraisal-coverage", true): "已开展群众评议 ÷ 应开展（单位 × 半年）"
        case ("appraisal-coverage", false): "appraisals held ÷ due (units × half-years)"
        case ("member-appraisal-coverage", true): "群众评议记录的参评党员 ÷ 党员人数；无记录时为“未记录”"
        case ("member-appraisal-coverage", false):
            "members appraised ÷ members, as the appraisals recorded; not recorded when none did"
        case ("satisfaction", true): "群众评议收回的测评表中满意的 ÷ 收回数；无记录时为“未记录”"
        case ("satisfaction", false):
            "satisfied ÷ forms returned, as the appraisals recorded; not recorded when none did"
        case ("complaint-reply", true): "有答复时限的投诉事项：按时答复 ÷（答复已到期 + 提前答复）；无答复记录时为“未记录”"
        case ("complaint-reply", false):
            "complaints with a reply deadline: answered by it ÷ (deadline come + answered earlier); not recorded when none has one"
        case ("complaint-closure", true): "来源为投诉的事项：已销号 ÷ 在账"
        case ("complaint-closure", false): "items from complaints: closed ÷ on the ledger"
        case ("petition-closure", true): "来源为信访的事项：已销号 ÷ 在账"
        case ("petition-closure", false): "items from petitions: closed ÷ on the ledger"
        case ("hazard-rectification", true): "来源为隐患排查的事项：已销号 ÷ 在账"
        case ("hazard-rectification", false): "items from hazard sweeps: closed ÷ on the ledger"
        case ("rectification", true): "已销号 ÷（结转 + 新增）"
        case ("rectification", false): "closed ÷ (carried over + opened)"
        case ("on-time-closure", true): "按期销号 ÷ 已销号"
        case ("on-time-closure", false): "closed on time ÷ closed"
        case ("review-held", true), ("inspection-held", true), ("evaluation-held", true): "已开展 ÷ 应开展"
        case ("review-held", false), ("inspection-held", false), ("evaluation-held", false): "held ÷ due"
        case ("quota-months", true): "达标月 ÷ 应评月（单位 × 月）"
        case ("quota-months", false): "months at quota ÷ months judged (units × months)"
        default: ""
        }
    }

    /// The definitions every report states, as (term, meaning) pairs.
    public func definitionList(_ window: EvaluationWindow, asOf: String) -> [(String, String)] {
        if zh {
            return [
                ("统计时点", "所有数字取 \(asOf) 的台账状态（统计区间结束前的时点，或区间结束时点）。"),
                ("结转 / 新增", "结转：统计区间开始前建立、区间开始时仍未销号的事项；新增：区间内、统计时点前建立的事项。两者合计为“在账”。"),
                ("按期销号", "统计时点前已验收销号，且销号时间不晚于现行整改时限（延期后以新时限为准，重新整改后以新时限为准）。"),
                ("逾期销号", "统计时点前已验收销号，但销号时间晚于现行整改时限（含逾期后补记规定动作而关闭的事项）。"),
                ("逾期未改", "统计时点未销号、未上报，且整改时限已过。"),
                ("延期 / 上报 / 重新整改", "延期：至少延期一次（有整改计划、公开说明和新时限）；上报：已提交上级处理；重新整改：销号后又出现而重新打开的事项。"),
                ("升级", "统计时点前已达到通报（或更高的约谈、责任追究）的事项；问责为已达到责任追究的事项。"),
                (
                    "应开展 / 已开展",
                    "领导点评、检查、群众评议和总评按周期考核有上级单位的单位：周期已由本系统发起且已结束，或未结束但已开展，计为应开展；统计时点前已记录的计为已开展，周期结束后补记的另计“补记”。"
                ),
                ("信息报送", "每月报送数不少于定额为达标。已结束的月份，以及本月已达标的月份，计为应评月；定额取单位现行定额。"),
                ("承诺", "本年度作出的承诺（单位及党员个人），按统计时点前最近一次评定计兑现、部分兑现、未兑现或未评定。"),
                ("燃尽图", "年初及每月末（统计时点在月中时另加统计时点）未销号事项数，其中逾期部分单列。"),
                (
                    "不计算的指标",
                    "群众满意度和党员个人评议覆盖率取自群众评议记录的结果（收回测评表、满意数、党员人数、参评党员），未记录时不作计算；投诉答复率只计有答复时限（ComplaintReplyDays=）的投诉事项。各项目标值取自活动方案：承诺兑现 100%、评议覆盖 100%、满意度 >95%、投诉答复 ≥95%、信访办结 100%、隐患整改 100%。"
                ),
                ("说明", "统计时点早于现在时，按记录的建立、销号时间判断；该时点以后的延期或重新整改不作回溯。"),
            ]
        }
        return [
            (
                "Instant",
                "Every figure is the ledger as it stood at \(asOf) (the instant asked for, or the end of the period)."
            ),
            (
                "Carried over / opened",
                "Carried over: created before the period and still open at its start. Opened: created in the period, up to the instant. Together they are the items \"on the ledger\"."
            ),
            (
                "Closed on time",
                "Verified closed by the instant, at or before the deadline in force (after a deferral the new date, after a reopening its new deadline)."
            ),
            (
                "Closed late",
                "Verified closed by the instant, after the deadline in force (including missed-duty items closed by a late record)."
            ),
            ("Overdue", "Open at the instant, not referred, and past its deadline."),
            (
                "Deferred / referred / reopened",
                "Deferred: deferred at least once (a plan, a public explanation and a new date). Referred: handed to a higher body. Reopened: closed, then opened again when the problem came back."
            ),
            (
                "Escalated",
                "Reached the circular (or the talk, or accountability) by the instant; accountability counts those that reached it."
            ),
            (
                "Due / held",
                "Reviews, inspections, appraisals and evaluations are owed per period by every unit with a parent. A period is due once the daemon fired it and it has ended, or earlier if already held; held means recorded by the instant. Records made after the period's end also count as held late."
            ),
            (
                "Information reports",
                "A month is at quota when the unit submitted at least its quota. Months that have ended, and the current month once at quota, are judged; the quota is the unit's current one."
            ),
            (
                "Commitments",
                "Commitments of the year (of units and of members), by their latest evaluation before the instant: fulfilled, partly fulfilled, unfulfilled, or not evaluated."
            ),
            (
                "Burn-down",
                "Items open at the start of the year and at the end of each month (and at the instant when it falls inside a month), the overdue ones shown apart."
            ),
            (
                "Not computed",
                "Public satisfaction and members' appraisal coverage come from the results public appraisals recorded (forms returned, satisfied, members, members appraised), and are not computed where none was recorded; the complaint reply rate counts complaints with a reply deadline (ComplaintReplyDays=) only. Targets are the campaign's: fulfilment 100%, appraisal coverage 100%, satisfaction > 95%, complaint replies ≥ 95%, petitions closed 100%, hazards rectified 100%."
            ),
            (
                "Note",
                "For an instant in the past, items are judged by their recorded creation and closure times; a deferral or reopening made after that instant is not undone."
            ),
        ]
    }

    /// The note on masking (R30).
    public var maskNote: String {
        zh
            ? "本报告已隐去姓名：责任人以角色和代号（P1、P2……）表示，同一代号在本报告内指同一人。"
            : "Names are masked in this report: responsible people appear as their role and a code (P1, P2, …); one "
                + "code is one person within this report."
    }
}
