/// What an import or export carries.
public enum ExchangeKind: String, CaseIterable, Sendable, Vocabulary {
    case units, commitments, items, persons
    /// Reviews, inspections, appraisals and evaluations held; information reports submitted;
    /// commitments' evaluations: an office's records of what was done, imported in bulk.
    case reviews, reports, evaluations

    /// Columns a file may have, in export order; the required ones first.
    public var columns: [String] {
        switch self {
        case .units: ["id", "name", "kind", "parent", "quota", "specialty", "grade", "liaison", "holidays"]
        case .commitments: ["unit", "text", "year", "member", "post", "direction", "publishedOn"]
        case .items:
            ["unit", "title", "deadline", "source", "scope", "urgency", "difficulty"]
                + ItemText.allCases.map(\.name) + ["first", "main", "direct", "number", "foundOn"]
        case .persons: ["id", "name", "unit", "mobile", "email", "dingtalk", "wecom", "feishu", "account"]
        case .reviews:
            [
                "unit", "heldOn", "kind", "cadence", "period", "form", "reviewer", "byUnit", "subject", "outcome",
                "override", "formsReturned", "satisfied", "members", "membersAppraised",
            ]
        case .reports: ["unit", "title", "submittedOn", "month", "liaison", "recipient"]
        case .evaluations: ["commitment", "status", "period", "note"]
        }
    }

    public var required: Set<String> {
        switch self {
        case .units: ["id", "name", "kind"]
        case .commitments: ["unit", "text"]
        case .items: ["unit", "title", "deadline"]
        case .persons: ["id", "name"]
        case .reviews: ["unit", "heldOn"]
        case .reports: ["unit", "title", "submittedOn"]
        case .evaluations: ["commitment", "status"]
        }
    }

    /// Columns an export adds that an import accepts and ignores (so an export imports back).
    public var exportOnly: [String] {
        switch self {
        case .units: []
        case .commitments: ["id", "status", "evaluatedPeriod"]
        case .items: ["id", "state", "overdue", "closedAt", "verifiedBy"]
        case .persons: []
        case .reviews, .reports: ["id"]
        case .evaluations: ["unit", "text"]
        }
    }

    /// The column a header names in a sheet of this kind: the common names, with those that mean
    /// something else here (a commitments export read as evaluations: 系统编号 is the commitment,
    /// 评价期 the period).
    public func column(_ header: String) -> String {
        let name = Self.aliases[header] ?? header
        switch (self, name) {
        case (.evaluations, "id"): return "commitment"
        case (.evaluations, "evaluatedPeriod"): return "period"
        case (.reports, "text"): return "title"
        case (.reports, "period"): return "month"
        default: return name
        }
    }

    /// Header names offices use in their spreadsheets, mapped to ours.
    public static let aliases: [String: String] = fixedAliases.merging(
        ItemText.allCases.flatMap { text in text.info.headers.map { ($0, text.name) } }, uniquingKeysWith: { a, _ in a }
    )

    /// The header a Chinese export writes for `column` (the import reads it back).
    public func chineseHeader(_ column: String) -> String {
        switch (self, column) {
        case (.units, "id"): "单位代码"
        case (.units, "name"): "名称"
        case (.persons, "id"): "人员编号"
        case (.persons, "name"): "姓名"
        case (.persons, "unit"): "所在单位"
        case (.reviews, "kind"): "类型"
        case (.reviews, "period"), (.reports, "month"): "所属期"
        case (.reports, "title"): "标题"
        case (.evaluations, "period"): "评价期"
        case (.evaluations, "text"): "承诺"
        case (_, "id"): "系统编号"
        default: Self.chineseHeaders[column] ?? column
        }
    }

    private static let chineseHeaders: [String: String] = [
        "unit": "单位", "title": "问题", "deadline": "整改时限", "source": "来源", "scope": "范围", "urgency": "紧急程度",
        "difficulty": "难易程度", "category": "类别", "measures": "整改措施", "acceptance": "验收标准",
        "first": "第一责任人", "main": "主要责任人", "direct": "直接责任人", "number": "序号", "state": "状态",
        "overdue": "是否逾期", "closedAt": "销号时间", "verifiedBy": "验收人", "kind": "类型", "parent": "上级",
        "quota": "定额", "specialty": "专业", "grade": "等级", "liaison": "联络员", "text": "承诺", "year": "年度",
        "member": "党员", "post": "岗位", "direction": "方向", "publishedOn": "公示日期", "status": "兑现情况",
        "evaluatedPeriod": "评价期", "mobile": "手机", "email": "邮箱", "dingtalk": "钉钉", "wecom": "企业微信",
        "feishu": "飞书", "account": "系统账号", "heldOn": "举行日期", "cadence": "节奏", "form": "形式",
        "reviewer": "点评人", "byUnit": "点评单位", "subject": "对象", "outcome": "结果", "override": "越级记录",
        "submittedOn": "报送日期", "recipient": "报送对象", "commitment": "承诺编号", "note": "说明",
        "foundOn": "发现日期", "formsReturned": "收回测评表", "satisfied": "满意数", "members": "党员人数",
        "membersAppraised": "参评党员", "holidays": "节假日",
    ]

    /// The headers offices use for column `name` (simplified Chinese first), for the error that it is missing.
    public static func headers(for name: String) -> [String] {
        aliases.filter { $0.value == name }.map(\.key).sorted { a, b in
            // Simplified before traditional: the simplified forms sort first in fixedAliases' pairs.
            (a.unicodeScalars.count, a) < (b.unicodeScalars.count, b)
        }
    }

    private static let fixedAliases: [String: String] = [
        "单位": "unit", "單位": "unit", "单位代码": "id", "單位代碼": "id", "代码": "id", "代碼": "id", "名称": "name",
        "名稱": "name", "类型": "kind", "類型": "kind", "上级": "parent", "上級": "parent", "定额": "quota",
        "定額": "quota", "联络员": "liaison", "聯絡員": "liaison", "节假日": "holidays", "節假日": "holidays", "问题": "title",
        "問題": "title", "事项": "title",
        "事項": "title", "整改时限": "deadline", "整改時限": "deadline", "期限": "deadline", "来源": "source",
        "來源": "source", "第一责任人": "first", "第一責任人": "first", "主要责任人": "main",
        "主要責任人": "main", "直接责任人": "direct", "直接責任人": "direct", "承诺": "text", "承諾": "text",
        "内容": "text", "內容": "text", "年度": "year", "党员": "member", "黨員": "member", "岗位": "post",
        "崗位": "post", "序号": "number", "序號": "number", "编号": "number", "編號": "number",
        // The office's contact sheet (通讯录).
        "人员编号": "id", "人員編號": "id", "工号": "id", "工號": "id", "姓名": "name", "所在单位": "unit",
        "所在單位": "unit", "手机": "mobile", "手機": "mobile", "手机号": "mobile", "手機號": "mobile",
        "手机号码": "mobile", "手機號碼": "mobile", "邮箱": "email", "郵箱": "email", "电子邮箱": "email",
        "電子郵箱": "email", "电子邮件": "email", "電子郵件": "email", "钉钉": "dingtalk", "釘釘": "dingtalk",
        "企业微信": "wecom", "企業微信": "wecom", "飞书": "feishu", "飛書": "feishu", "账号": "account",
        "賬號": "account", "系统账号": "account", "系統賬號": "account",
        // What a Chinese export writes besides (chineseHeader), read back.
        "系统编号": "id", "范围": "scope", "紧急程度": "urgency", "难易程度": "difficulty", "状态": "state",
        "是否逾期": "overdue", "销号时间": "closedAt", "验收人": "verifiedBy", "专业": "specialty", "等级": "grade",
        "方向": "direction", "公示日期": "publishedOn", "兑现情况": "status", "评价期": "evaluatedPeriod",
        // Reviews held, reports submitted, commitments evaluated.
        "举行日期": "heldOn", "舉行日期": "heldOn", "召开日期": "heldOn", "召開日期": "heldOn", "点评日期": "heldOn",
        "點評日期": "heldOn", "节奏": "cadence", "節奏": "cadence", "所属期": "period", "所屬期": "period",
        "期别": "period", "期別": "period", "形式": "form", "点评人": "reviewer", "點評人": "reviewer",
        "点评单位": "byUnit", "點評單位": "byUnit", "对象": "subject", "對象": "subject", "结果": "outcome",
        "結果": "outcome", "越级记录": "override", "越級記錄": "override", "标题": "title", "標題": "title",
        "题目": "title", "題目": "title", "报送日期": "submittedOn", "報送日期": "submittedOn",
        "上报日期": "submittedOn", "上報日期": "submittedOn", "报送对象": "recipient", "報送對象": "recipient",
        "承诺编号": "commitment", "承諾編號": "commitment", "月份": "month", "发现日期": "foundOn", "收回测评表": "formsReturned",
        "收回測評表": "formsReturned", "满意数": "satisfied",
        "滿意數": "satisfied", "党员人数": "members", "黨員人數": "members", "参评党员": "membersAppraised",
        "參評黨員": "membersAppraised",
        "發現日期": "foundOn", "发现时间": "foundOn", "發現時間": "foundOn", "说明": "note", "說明": "note",
    ]
}

public enum ExchangeFormat: String, CaseIterable, Sendable, Vocabulary {
    case csv, json
}
