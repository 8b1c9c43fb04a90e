public import CadenceCore
public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes notices as Markdown files in a dated tree under the notice directory, plus an
/// append-only JSON Lines index (`index.jsonl`).
///
/// A file is written to a temporary name, flushed to disk, then linked to its final name with
/// `link(2)`, which fails rather than replace an existing file: a notice file is never
/// overwritten, and a file already there (from before a crash) counts as written.
public struct NoticeFileWriter: Sendable {
    public let directory: String
    public let zone: TimeZone

    public init(directory: String, zone: TimeZone) {
        self.directory = directory
        self.zone = zone
    }

    /// A failure to write, with the path and the errno text.
    public struct WriteError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write notice file '\(path)': \(reason)" }
    }

    /// Writes the notice's file (unless it exists) and its index line.
    /// - Parameter checkIndex: look for the key in the index before appending (redelivery after a crash).
    /// - Returns: the file's path relative to the notice directory.
    @discardableResult
    public func write(_ notice: Notice, checkIndex: Bool) throws -> String {
        let result = try writeBatch([(notice, checkIndex)])
        if let error = result[0].error { throw error }
        return result[0].file
    }

    /// Writes several notices: each file flushed on its own, then each directory and the index once.
    /// - Returns: per notice, its relative path, or the error that kept it from being written.
    public func writeBatch(_ notices: [(notice: Notice, checkIndex: Bool)]) throws
        -> [(key: String, file: String, error: WriteError?)]
    {
        var results: [(key: String, file: String, error: WriteError?)] = []
        var folders = Set<String>()
        for (notice, _) in notices {
            let relative = NoticeFileName.relativePath(for: notice, zone: zone)
            let path = directory + "/" + relative
            let folder = (path as NSString).deletingLastPathComponent
            do {
                try makeDirectories(folder)
                if !FileManager.default.fileExists(atPath: path) {
                    let temporary = folder + "/.tmp-\(notice.id)-\(getpid())"
                    try writeSynced(
                        temporary, Data(markdown(notice, file: relative).utf8), flags: O_CREAT | O_TRUNC | O_WRONLY)
                    defer { unlink(temporary) }
                    if link(temporary, path) != 0 && errno != EEXIST { throw failure(path) }
                    folders.insert(folder)
                }
                results.append((notice.key, relative, nil))
            } catch let error as WriteError {
                results.append((notice.key, relative, error))
            }
        }
        for folder in folders { try syncDirectory(folder) }
        // Index lines for the files written, in one append; a notice stored before this process
        // started may already have its line (written just before a crash).
        let indexPath = directory + "/index.jsonl"
        let existing = notices.contains { $0.checkIndex } ? indexText(indexPath) : ""
        var lines = ""
        for ((notice, checkIndex), result) in zip(notices, results) where result.error == nil {
            if checkIndex && existing.contains(indexNeedle(notice.key)) { continue }
            lines += indexLine(notice, file: result.file) + "\n"
        }
        if !lines.isEmpty {
            try writeSynced(indexPath, Data(lines.utf8), flags: O_CREAT | O_APPEND | O_WRONLY)
        }
        return results
    }

    /// Writes `data` to `relative` under the notice directory unless a file is there already, the
    /// way notices are written: a temporary file, flushed, then linked into place (never replaced).
    /// - Returns: true when the file was written now, false when it was there already.
    @discardableResult
    public func writeOnce(_ relative: String, _ data: Data) throws -> Bool {
        let path = directory + "/" + relative
        let folder = (path as NSString).deletingLastPathComponent
        try makeDirectories(folder)
        if FileManager.default.fileExists(atPath: path) { return false }
        let temporary = folder + "/.tmp-\(StableHash.hex(relative))-\(getpid())"
        try writeSynced(temporary, data, flags: O_CREAT | O_TRUNC | O_WRONLY)
        defer { unlink(temporary) }
        if link(temporary, path) != 0 {
            if errno == EEXIST { return false }
            throw failure(path)
        }
        try syncDirectory(folder)
        return true
    }

    /// True when `relative` exists under the notice directory.
    public func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/" + relative)
    }

    // MARK: - Content

    func markdown(_ notice: Notice, file: String) -> String {
        var rows: [(String, String)] = [("kind", notice.kind.rawValue)]
        if let cadence = notice.cadence { rows.append(("cadence", cadence)) }
        if !notice.periods.isEmpty { rows.append(("period", notice.periods.joined(separator: ", "))) }
        if let unit = notice.unit { rows.append(("unit", unit)) }
        if let item = notice.item { rows.append(("item", "#\(item)")) }
        if let title = notice.title { rows.append(("title", title)) }
        rows.append(("due", LocalTimeText.format(notice.dueAt, zone: zone)))
        if let days = notice.overdueDays { rows.append(("overdue days", String(days))) }
        if let level = notice.level { rows.append(("level", level.rawValue)) }
        rows.append(("late", notice.late ? "yes" : "no"))
        rows.append(("emitted", LocalTimeText.format(notice.emittedAt, zone: zone)))
        rows.append(("notice id", notice.id))
        let table = rows.map { "| \($0.0) | \(Self.cell($0.1)) |" }.joined(separator: "\n")
        return "# \(Self.line(notice.subject))\n\n\(notice.body)\n\n| field | value |\n| --- | --- |\n\(table)\n"
    }

    func indexLine(_ notice: Notice, file: String) -> String {
        var object: [String: Any] = [
            "key": notice.key, "id": notice.id, "kind": notice.kind.rawValue, "file": file,
            "due": ISOTimestamp.utc(notice.dueAt),
            "emitted": ISOTimestamp.utc(notice.emittedAt), "late": notice.late,
            "subject": notice.subject,
        ]
        if let cadence = notice.cadence { object["cadence"] = cadence }
        if !notice.periods.isEmpty { object["periods"] = notice.periods }
        if let unit = notice.unit { object["unit"] = unit }
        if let item = notice.item { object["item"] = item }
        if let level = notice.level { object["level"] = level.rawValue }
        if let days = notice.overdueDays { object["overdueDays"] = days }
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// One line, so a name cannot start a new Markdown block.
    static func line(_ text: String) -> String {
        String(text.map { $0.isNewline || ($0.asciiValue.map { $0 < 0x20 } ?? false) ? " " : $0 })
    }

    static func cell(_ text: String) -> String {
        line(text).replacingOccurrences(of: "|", with: "\\|")
    }

    private func indexText(_ indexPath: String) -> String {
        FileManager.default.contents(atPath: indexPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    private func indexNeedle(_ key: String) -> String {
        let encoded = (try? JSONSerialization.data(withJSONObject: [key], options: [.withoutEscapingSlashes])) ?? Data()
        return "\"key\":" + String(decoding: encoded, as: UTF8.self).dropFirst().dropLast()
    }

    // MARK: - Files

    private func failure(_ path: String) -> WriteError {
        WriteError(path: path, reason: String(cString: strerror(errno)))
    }

    private func makeDirectories(_ folder: String) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            throw WriteError(path: folder, reason: "\(error.localizedDescription)")
        }
    }

    private func writeSynced(_ path: String, _ data: Data, flags: Int32) throws {
        let fd = open(path, flags | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw failure(path) }
        defer { close(fd) }
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw failure(path)
                }
                offset += n
            }
        }
        guard fsync(fd) == 0 else { throw failure(path) }
    }

    private func syncDirectory(_ folder: String) throws {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(folder) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure(folder) }
    }
}
