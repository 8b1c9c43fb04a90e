public import Foundation

/// A person of the office's directory: who can be reached, and how (DESIGN.md "People are reached").
///
/// A role holder (`role assign … PERSON`) or an item's responsible person names a person by id or
/// by name; notices addressed to them go to the channels this record has an address for.
public struct PersonRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var unit: String?
    public var mobile: String?
    public var email: String?
    /// User ids in the office's chat tools (钉钉, 企业微信, 飞书).
    public var dingtalk: String?
    public var wecom: String?
    public var feishu: String?
    /// The Unix account that acts as this person through `cadencectl`.
    public var account: String?
    public var removedAt: Date?

    public init(
        id: String, name: String, unit: String? = nil, mobile: String? = nil, email: String? = nil,
        dingtalk: String? = nil, wecom: String? = nil, feishu: String? = nil, account: String? = nil,
        removedAt: Date? = nil
    ) {
        (self.id, self.name, self.unit, self.mobile, self.email) = (id, name, unit, mobile, email)
        (self.dingtalk, self.wecom, self.feishu, self.account) = (dingtalk, wecom, feishu, account)
        self.removedAt = removedAt
    }

    /// The address this person has on `channel`, if any.
    public func address(on channel: DeliveryChannel) -> String? {
        switch channel {
        case .email: email
        // A group robot reaches the group: a person is @-mentioned there, not addressed.
        case .dingtalk, .wecom, .feishu, .exec: nil
        }
    }

    /// Checks an e-mail address enough to refuse a typo (one `@`, a dot in the domain, no space).
    public static func emailProblem(_ text: String) -> String? {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        let bad = text.unicodeScalars.contains { $0.properties.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," }
        if parts.count != 2 || parts[0].isEmpty || !parts[1].contains(".") || parts[1].hasPrefix(".")
            || parts[1].hasSuffix(".") || bad
        {
            return "'\(text)' is not an e-mail address (name@example.org)"
        }
        return nil
    }
}

extension PersonRecord: WireRecord {
    public static let wireType = "Person"
    public static let wireFields: [WireField<Self>] = [
        .text("id", label: "Id", { $0.id }), .text("name", label: "Name", { $0.name }),
        .optionalText("unit", label: "Unit", { $0.unit }), .optionalText("mobile", label: "Mobile", { $0.mobile }),
        .optionalText("email", label: "E-mail", { $0.email }),
        .optionalText("dingtalk", label: "DingTalk", { $0.dingtalk }),
        .optionalText("wecom", label: "WeCom", { $0.wecom }), .optionalText("feishu", label: "Feishu", { $0.feishu }),
        .optionalText("account", label: "Account", { $0.account }), .flag("removed", { $0.removedAt != nil }),
    ]
}
