import GRDB

/// A `WHERE` clause made of the conditions a query's filters ask for, with their arguments.
struct SQLFilter {
    private var conditions: [String]
    private(set) var arguments = StatementArguments()

    init(_ conditions: String...) { self.conditions = conditions }

    /// `condition` (with one `?`) for `value`, when there is a value.
    mutating func add(_ condition: String, _ value: (any DatabaseValueConvertible)?) {
        guard let value else { return }
        conditions.append(condition)
        _ = arguments.append(contentsOf: [value])
    }

    /// `condition` as it is, when `when` holds.
    mutating func add(_ condition: String, when: Bool) {
        if when { conditions.append(condition) }
    }

    /// `WHERE a AND b …`, or nothing.
    var clause: String { conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") }
}
