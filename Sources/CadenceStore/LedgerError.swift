/// Why the ledger refused an operation. Nothing was changed when one of these is thrown.
public enum LedgerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The database was written by a newer cadenced (it has migrations this version does not know).
    case newerSchema(path: String, unknown: [String])
    /// The file is not a readable SQLite database, or SQLite reports it damaged.
    case corrupt(path: String, reason: String)
    case unknownItem(Int64)
    case invalid(String)

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
        case .invalid(let reason):
            reason
        }
    }
}
