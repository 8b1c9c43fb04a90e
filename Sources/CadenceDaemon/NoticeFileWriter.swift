public import CadenceCore
public import Foundation
import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Indices handed out to a batch's threads, and their results (under the lock).
private final class ConcurrentWork<T>: @unchecked Sendable {
    let lock = NSLock()
    var next = 0
    var results: [T?]

    init(_ count: Int) { results = Array(repeating: nil, count: count) }

    /// Takes indices until none is left.
    func drain(_ count: Int, _ body: (Int) -> T) {
        while true {
            lock.lock()
            let index = next
            next += 1
            lock.unlock()
            guard index < count else { return }
            let value = body(index)
            lock.lock()
            results[index] = value
            lock.unlock()
        }
    }
}

/// Writes notices as Markdown files in a dated tree under the notice directory, plus an
/// append-only JSON Lines index (`index.jsonl`).
///
/// A file is written unnamed (`O_TMPFILE`), flushed to disk, then linked to its final name with
/// `linkat(2)`, which fails rather than replace an existing file: a notice file is never
/// overwritten, a file already there (from before a crash) counts as written, and a kill at any
/// moment leaves the whole file or nothing, not even a temporary. Where the file system has no
/// `O_TMPFILE`, a hidden temporary name is written and linked instead.
public struct NoticeFileWriter: Sendable {
    public let directory: String
    public let zone: TimeZone
    /// The language of the files' table (its labels and the words in it).
    public let language: NoticeLanguage

    public init(directory: String, zone: TimeZone, language: NoticeLanguage = .en) {
        self.directory = directory
        self.zone = zone
        self.language = language
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

    /// Writes several notices: the files of up to ``groupSize`` notices made durable by one flush of
    /// the file system before any is linked under its name, then their names and index lines by one
    /// more (a month-end burst's limit was one flush per file). Fewer than ``groupMinimum`` files, or
    /// where unnamed files cannot be made, each file is flushed on its own, by up to ``flushers``
    /// threads at once. Each file is still on
    /// disk before its name.
    /// - Returns: per notice, its relative path, or the error that kept it from being written.
    public func writeBatch(_ notices: [(notice: Notice, checkIndex: Bool)]) throws
        -> [(key: String, file: String, error: WriteError?)]
    {
        try write(batch(notices))
    }

    /// Notices' files rendered and their folders made, ready for ``write(_:)``.
    public struct Batch: Sendable {
        fileprivate var notices: [(notice: Notice, checkIndex: Bool)]
        fileprivate var results: [(key: String, file: String, error: WriteError?)] = []
        fileprivate var jobs: [(result: Int, data: Data, path: String, folder: String, temporary: String)] = []
    }

    /// Renders the files of `notices` not on disk yet and makes their folders: the part of
    /// ``writeBatch(_:)`` that does not wait for the disk, to be done on one thread while another
    /// writes an earlier batch.
    public func batch(_ notices: [(notice: Notice, checkIndex: Bool)]) -> Batch {
        var batch = Batch(notices: notices)
        var folders = Set<String>()
        for (notice, _) in notices {
            let relative = NoticeFileName.relativePath(for: notice, zone: zone)
            let path = directory + "/" + relative
            let folder = (path as NSString).deletingLastPathComponent
            do {
                if !folders.contains(folder) {
                    try makeDirectories(folder)
                    folders.insert(folder)
                }
                if access(path, F_OK) != 0 {
                    batch.jobs.append(
                        (
                            batch.results.count, Data(markdown(notice, file: relative).utf8), path, folder,
                            ".tmp-\(notice.id)-\(getpid())"
                        ))
                }
                batch.results.append((notice.key, relative, nil))
            } catch let error as WriteError {
                batch.results.append((notice.key, relative, error))
            } catch {
                batch.results.append((notice.key, relative, WriteError(path: folder, reason: "\(error)")))
            }
        }
        return batch
    }

    /// Writes a batch's files and index lines (see ``writeBatch(_:)``).
    /// - Returns: per notice, its relative path, or the error that kept it from being written.
    public func write(_ prepared: Batch) throws -> [(key: String, file: String, error: WriteError?)] {
        let notices = prepared.notices
        var results = prepared.results
        let jobs = prepared.jobs
        var folders = Set<String>()
        let batch = jobs
        var outcomes = publishGrouped(batch.map { ($0.data, $0.path, $0.folder) })
        // Where files were flushed by whole-file-system flushes, the names and the index lines
        // are made durable the same way, by one more flush, instead of one per folder and the index.
        let flushedTogether = outcomes.contains { $0 != nil }
        // Where a file could not be written the grouped way (no O_TMPFILE here), one by one.
        let single = outcomes.indices.filter { outcomes[$0] == nil }
        let singles = Self.concurrently(single.count, threads: Self.flushers) { index -> Result<Bool, WriteError> in
            let job = batch[single[index]]
            do {
                return .success(try publish(job.data, at: job.path, in: job.folder, named: job.temporary))
            } catch let error as WriteError {
                return .failure(error)
            } catch {
                return .failure(WriteError(path: job.path, reason: "\(error)"))
            }
        }
        for (index, outcome) in zip(single, singles) { outcomes[index] = outcome }
        folders = []
        for (job, outcome) in zip(jobs, outcomes) {
            switch outcome! {
            case .success(let written): if written { folders.insert(job.folder) }
            case .failure(let error): results[job.result].error = error
            }
        }
        let closingFlush = flushedTogether ? try folderToFlush(among: folders) : nil
        if closingFlush == nil { for folder in folders { try syncDirectory(folder) } }
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
            try writeSynced(
                indexPath, Data(lines.utf8), flags: O_CREAT | O_APPEND | O_WRONLY, sync: closingFlush == nil)
        }
        if let closingFlush { try syncFileSystem(of: closingFlush) }
        return results
    }

    /// How many files are written and flushed at once.
    static let flushers = 8

    /// glibc's `syncfs(2)`, which Swift's Glibc module does not declare (it is a GNU extension):
    /// found by name once; where it is missing, `sync(2)`, which flushes every file system.
    static let syncFileSystem: @Sendable (Int32) -> Int32 = {
        typealias SyncFS = @convention(c) (Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") else {
            return { _ in
                sync()
                return 0
            }
        }
        let function = unsafeBitCast(symbol, to: SyncFS.self)
        return { function($0) }
    }()

    /// How many files one flush of the file system makes durable at most (each holds a descriptor
    /// until it is linked into place).
    static let groupSize = 512

    /// The fewest files flushed together: fewer are flushed one by one, so that a handful of
    /// notices never waits for whatever else the file system holds unwritten. Measured on a burst
    /// of 10,000 (ext4 on a virtual disk): one flush per group took the burst from 10 s to 5 s.
    static let groupMinimum = 16

    /// Writes files the way ``publish(_:at:in:named:)`` does, but flushed together: each group's
    /// contents are written to unnamed files (`O_TMPFILE`), the file system is flushed once
    /// (`syncfs`), and only then is each linked under its name. Each file is still on disk before
    /// its name; a burst costs one flush per group instead of one per file.
    /// - Returns: per file, true (written now), false (there already), an error, or nil where
    ///   unnamed files cannot be made here (the caller writes those one by one).
    private func publishGrouped(_ files: [(data: Data, path: String, folder: String)]) -> [Result<Bool, WriteError>?] {
        var outcomes = [Result<Bool, WriteError>?](repeating: nil, count: files.count)
        guard files.count >= Self.groupMinimum, let flag = Self.temporaryFileFlag, access("/proc/self/fd", F_OK) == 0
        else { return outcomes }
        var start = 0
        while start < files.count {
            let group = start..<min(start + Self.groupSize, files.count)
            start = group.upperBound
            var open: [(index: Int, fd: Int32)] = []
            defer { for (_, fd) in open { close(fd) } }
            for index in group {
                let file = files[index]
                let fd = Glibc.open(file.folder, flag | O_WRONLY | O_CLOEXEC, 0o640)
                // Out of descriptors: this group ends here, the rest go in the next.
                if fd < 0 && (errno == EMFILE || errno == ENFILE) && !open.isEmpty {
                    start = index
                    break
                }
                guard fd >= 0 else {
                    // Not supported here: left to the caller; any other failure is this file's.
                    if errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL {
                        outcomes[index] = .failure(failure(file.path))
                    }
                    continue
                }
                open.append((index, fd))
                do { try writeAll(fd, file.data, path: file.path) } catch let error as WriteError {
                    outcomes[index] = .failure(error)
                } catch {
                    outcomes[index] = .failure(WriteError(path: file.path, reason: "\(error)"))
                }
            }
            guard let first = open.first else { continue }
            if Self.syncFileSystem(first.fd) != 0 {
                let error = failure(files[first.index].path)
                for (index, _) in open where outcomes[index] == nil { outcomes[index] = .failure(error) }
                continue
            }
            for (index, fd) in open where outcomes[index] == nil {
                if linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, files[index].path, AT_SYMLINK_FOLLOW) == 0 {
                    outcomes[index] = .success(true)
                } else if errno == EEXIST {
                    outcomes[index] = .success(false)
                } else {
                    outcomes[index] = .failure(failure(files[index].path))
                }
            }
        }
        return outcomes
    }

    /// `body(0..<count)` on up to `threads` threads (this one among them); the results in order.
    /// Plain threads that end with the batch: no pool stays behind to wake the idle daemon.
    static func concurrently<T: Sendable>(
        _ count: Int, threads: Int, _ body: @escaping @Sendable (Int) -> T
    ) -> [T] {
        guard count > 1, threads > 1 else { return (0..<count).map(body) }
        let work = ConcurrentWork<T>(count)
        let helpers = min(threads, count) - 1
        let done = DispatchSemaphore(value: 0)
        for _ in 0..<helpers {
            let thread = Thread {
                work.drain(count, body)
                done.signal()
            }
            thread.start()
        }
        work.drain(count, body)
        for _ in 0..<helpers { done.wait() }
        return work.results.map { $0! }
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
        guard try publish(data, at: path, in: folder, named: ".tmp-\(StableHash.hex(relative))-\(getpid())") else {
            return false
        }
        try syncDirectory(folder)
        return true
    }

    /// True when `relative` exists under the notice directory.
    public func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/" + relative)
    }

    private func indexText(_ indexPath: String) -> String {
        FileManager.default.contents(atPath: indexPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    private func indexNeedle(_ key: String) -> String { "\"key\":" + JSONString.quoted(key) }

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

    #if os(Linux) && (arch(x86_64) || arch(arm64))
        /// `O_TMPFILE` (`__O_TMPFILE | O_DIRECTORY`), a macro Swift does not import; `__O_TMPFILE`
        /// is 020000000 on these architectures.
        static let temporaryFileFlag: Int32? = 0o20000000 | O_DIRECTORY
    #else
        static let temporaryFileFlag: Int32? = nil
    #endif

    /// Writes `data`, flushed, to a new file at `path` unless a file is there already.
    /// - Parameter named: the hidden temporary's name in `folder`, used only where `O_TMPFILE` is not.
    /// - Returns: true when written now, false when a file was there.
    private func publish(_ data: Data, at path: String, in folder: String, named: String) throws -> Bool {
        if let flag = Self.temporaryFileFlag {
            let fd = open(folder, flag | O_WRONLY | O_CLOEXEC, 0o640)
            if fd >= 0 {
                defer { close(fd) }
                try writeAll(fd, data, path: path)
                guard fsync(fd) == 0 else { throw failure(path) }
                if linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0 { return true }
                let code = errno
                if code == EEXIST { return false }
                // ENOENT from the /proc path: no /proc here; anything else is the file system's answer.
                if code != ENOENT || access("/proc/self/fd", F_OK) == 0 {
                    throw WriteError(path: path, reason: String(cString: strerror(code)))
                }
            } else if errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL {
                throw failure(path)
            }
        }
        // No O_TMPFILE (the file system or the kernel) or no /proc: a named temporary. A kill
        // between the write and the unlink leaves it behind, hidden.
        let temporary = folder + "/" + named
        try writeSynced(temporary, data, flags: O_CREAT | O_TRUNC | O_WRONLY)
        defer { unlink(temporary) }
        if link(temporary, path) != 0 {
            if errno == EEXIST { return false }
            throw failure(path)
        }
        return true
    }

    private func writeSynced(_ path: String, _ data: Data, flags: Int32, sync: Bool = true) throws {
        let fd = open(path, flags | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw failure(path) }
        defer { close(fd) }
        try writeAll(fd, data, path: path)
        guard !sync || fsync(fd) == 0 else { throw failure(path) }
    }

    /// The notice directory, when it and every folder in `folders` are on one file system (one
    /// flush of it makes their names durable); nil where a folder is on another (a mount below).
    private func folderToFlush(among folders: Set<String>) throws -> String? {
        var root = stat()
        guard stat(directory, &root) == 0 else { throw failure(directory) }
        for folder in folders {
            var info = stat()
            guard stat(folder, &info) == 0 else { throw failure(folder) }
            if info.st_dev != root.st_dev { return nil }
        }
        return directory
    }

    /// Flushes the whole file system that holds `folder` (its new names, the index's new lines).
    private func syncFileSystem(of folder: String) throws {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(folder) }
        defer { close(fd) }
        guard Self.syncFileSystem(fd) == 0 else { throw failure(folder) }
    }

    private func writeAll(_ fd: Int32, _ data: Data, path: String) throws {
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
    }

    private func syncDirectory(_ folder: String) throws {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(folder) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure(folder) }
    }
}
