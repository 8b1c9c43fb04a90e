public import CadenceCore
/// Why the ledger refused an operation. Nothing was changed when one of these is thrown.
public enum LedgerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The database was written by a newer cadenced (it has migrations this version does not know).
    case newerSchema(path: String, unknown: [String])
    /// The file is not a readable SQLite database, or SQLite reports it damaged.
    case corrupt(path: String, reason: String)
    case unknownItem(Int64)
    case unknownUnit(String)
    /// Something else the caller named does not exist (a commitment, a review…).
    case notFound(String)
    case invalid(String)
    /// The item's lifecycle refused a transition.
    case refused(ItemRefusal)
    /// Rows of an import that are wrong, each with its line; nothing was imported.
    case badRows([RowProblem])

    public var description: String {
        switch self {
        case let .newerSchema(path, unknown):
            "the ledger '\(path)' was written by a newer cadenced (schema \(unknown.joined(separator: ", "))); "
                + "refusing to open it — upgrade cadenced or restore a backup"
        case let .corrupt(path, reason):
            "the ledger '\(path)' is not a usable database (\(reason)); refusing to touch it — "
                + "restore a backup or move it away"
        case .unknownItem(let id):
            "there is no rectification item #\(id)"
        case .unknownUnit(let id):
            "there is no unit '\(id)' (see cadencectl units list)"
        case .notFound(let what):
            what
        case .invalid(let reason):
            reason
        case .refused(let refusal):
            refusal.reason
        case .badRows(let problems):
            problems.map(\.description).joined(separator: "\n")
        }
    }
}

extension String {
    /// Nothing but spaces and tabs (or nothing). Cheaper than `trimmingCharacters`, which goes
    /// through NSString: checked for every row of an import.
    var isBlank: Bool { utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 } }
}

/// One bad row of an import: its line in the file and what is wrong with it.
public struct RowProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}
