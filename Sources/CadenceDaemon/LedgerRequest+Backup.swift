import CadenceControl
import CadenceCore
import CadenceStore
import Foundation
import Logging

extension LedgerRequest {
    /// Backups: a copy of the ledger made in the state directory, then read by the caller in parts.
    static let backupMethods: [(String, Answer)] = [
        typed(BackupCall.self) { request, _ in try request.backup() },
        typed(ReadBackupCall.self) { try $0.answer($1) },
    ]

    /// Where copies wait to be read: `backups/` beside the ledger, in the state directory (the
    /// one place the daemon's sandbox lets it write).
    var backupDirectory: String { (store.path as NSString).deletingLastPathComponent + "/backups" }

    /// How long a copy that nobody reads to its end is kept.
    static let backupLifetime: TimeInterval = 3600

    /// `ledger-20261207T130102Z-1a2b3c4d.sqlite`: when it was taken, and a part nobody can guess.
    static func backupName(at instant: Date) -> String {
        let stamp = ISOTimestamp.utc(instant).filter { $0 != "-" && $0 != ":" }
        return "ledger-\(stamp)-\(String(format: "%08x", UInt32.random(in: 0...UInt32.max))).sqlite"
    }

    static func isBackupName(_ name: String) -> Bool {
        name.wholeMatch(of: /ledger-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}\.sqlite/) != nil
    }

    func backup() throws -> [String: Any] {
        let files = FileManager.default
        try files.createDirectory(atPath: backupDirectory, withIntermediateDirectories: true)
        // Copies left unread past their hour go first (their names sort by when they were taken).
        let expired = Self.backupName(at: now.addingTimeInterval(-Self.backupLifetime))
        for name in (try? files.contentsOfDirectory(atPath: backupDirectory)) ?? []
        where Self.isBackupName(name) && name < expired {
            try? files.removeItem(atPath: backupDirectory + "/" + name)
        }
        let name = Self.backupName(at: now)
        let summary = try store.backup(to: backupDirectory + "/" + name)
        manager.logger.info(
            "Backed up the ledger: \(summary.items) items, \(summary.notices) notices, \(summary.size) bytes",
            metadata: ["BACKUP": "\(name)"])
        return [
            "backup": name, "size": summary.size, "items": summary.items, "notices": summary.notices,
            "takenAt": ISOTimestamp.utc(now),
        ]
    }

    func answer(_ call: ReadBackupCall) throws -> [String: Any] {
        guard Self.isBackupName(call.backup) else {
            throw VarlinkError.invalidArgument(
                "backup", "'\(call.backup)' is not the name of a backup (cadencectl backup FILE makes one)")
        }
        let path = backupDirectory + "/" + call.backup
        guard let file = FileHandle(forReadingAtPath: path) else {
            throw LedgerError.notFound(
                "there is no backup '\(call.backup)': it was read to its end, or was not read within an hour")
        }
        defer { try? file.close() }
        let size = Int(try file.seekToEnd())
        guard (0...Int64(size)).contains(call.offset) else {
            throw VarlinkError.invalidArgument("offset", "\(call.offset) is outside the backup's \(size) bytes")
        }
        try file.seek(toOffset: UInt64(call.offset))
        let data = try file.read(upToCount: ReadBackupCall.chunkSize) ?? Data()
        if Int(call.offset) + data.count >= size { try? FileManager.default.removeItem(atPath: path) }
        return ["data": data.base64EncodedString(), "offset": Int(call.offset), "size": size]
    }
}
