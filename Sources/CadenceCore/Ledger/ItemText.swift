/// The free-text fields an office writes on an item: the one list that the item's replies, the
/// interface's `Item` and `AddItem`, the store's columns, a sheet's headers, the export and the
/// import's comparison follow. A new one is a case here with its line in ``info``, its column
/// in a migration (named as the case), and its option in `cadencectl item add`.
public enum ItemText: Int, CaseIterable, Sendable, Hashable {
    case category, measures, acceptance

    /// Its name on the wire, in files and in the store; its label in `item show`; the headers an
    /// office's sheet may give it; and what `item add --help` says of it.
    public var info: (name: StaticString, label: String, headers: [String], help: String) {
        switch self {
        case .category: ("category", "Category", ["类别", "類別"], "Problem category.")
        case .measures: ("measures", "Measures", ["整改措施"], "Rectification measures.")
        case .acceptance: ("acceptance", "Acceptance", ["验收标准", "驗收標準"], "Acceptance criteria for verification.")
        }
    }

    /// Its name on the wire, in files and as the store's column.
    public var name: String { Self.names[rawValue] }

    private static let names = allCases.map { "\($0.info.name)" }
}

/// The values of an item's ``ItemText`` fields; an absent or empty one is nil.
public struct ItemTexts: Sendable, Equatable, Hashable {
    private var values: [String?] = Array(repeating: nil, count: ItemText.allCases.count)

    public init() {}

    /// The fields from `value`, reading each by its name (`v["measures"]`).
    public init(_ value: (ItemText) throws -> String?) rethrows {
        for field in ItemText.allCases { self[field] = try value(field) }
    }

    public subscript(field: ItemText) -> String? {
        get { values[field.rawValue] }
        set { values[field.rawValue] = newValue?.isEmpty == true ? nil : newValue }
    }
}
