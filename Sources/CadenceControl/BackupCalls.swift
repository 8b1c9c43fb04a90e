public import CadenceCore

/// `Backup`: an online, consistent copy of the whole ledger, made by SQLite's backup API while the
/// daemon runs and kept in the state directory until it is read with ``ReadBackupCall``.
public struct BackupCall: TabledCall {
    public static let method = "Backup"
    public static let changesLedger = false
    public static let needsAdmin = true
    public static let reply = "(backup: string, size: int, items: int, notices: int, takenAt: string)"
    public static let parameters: [CallParameter<Self>] = []

    public init() {}
}

/// `ReadBackup`: the bytes of a copy made by ``BackupCall`` from `offset`, at most
/// ``chunkSize`` of them, in base64. The copy is deleted once its last byte is read.
public struct ReadBackupCall: TabledCall {
    public static let method = "ReadBackup"
    public static let changesLedger = false
    public static let needsAdmin = true
    public static let reply = "(data: string, offset: int, size: int)"
    public static let parameters: [CallParameter<Self>] = [
        .string("backup", \.backup, maximum: 100), .int("offset", \.offset),
    ]

    /// The copy's name, as ``BackupCall`` answered it.
    public var backup = ""
    public var offset: Int64 = 0

    /// The most bytes one reply carries (before base64).
    public static let chunkSize = 4 << 20

    public init() {}
}
