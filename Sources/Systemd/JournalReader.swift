import CSystemd

#if canImport(Glibc)
    import Glibc
#endif

/// Reads this machine's journal (`sd_journal_open(3)` with `SD_JOURNAL_LOCAL_ONLY`).
///
/// The daemon asks it at startup whether a notice reached the journal before a crash, so every query
/// starts from the first entry and returns each matching entry exactly once. A reader is not
/// thread-safe (neither is `sd_journal`): use it from one thread at a time.
public final class JournalReader {
    private let journal: OpaquePointer

    /// Opens the local journal files, and watches for new ones.
    ///
    /// - Throws: ``SystemdError`` for `sd_journal_open` or `sd_journal_get_fd`.
    public init() throws {
        var handle: OpaquePointer?
        let r = sd_journal_open(&handle, Int32(SD_JOURNAL_LOCAL_ONLY))
        guard r >= 0, let handle else { throw SystemdError(operation: "sd_journal_open", code: r < 0 ? -r : EINVAL) }
        journal = handle
        // Taking the fd first sets up inotify, so files journald creates after this point (a journald
        // started later, a rotation) are picked up by sd_journal_process/sd_journal_wait (RECIPES.md).
        let fd = sd_journal_get_fd(handle)
        if fd < 0 {
            sd_journal_close(handle)
            throw SystemdError(operation: "sd_journal_get_fd", code: -fd)
        }
        // Values longer than the default 64 KiB threshold would come back truncated.
        let t = sd_journal_set_data_threshold(handle, 0)
        if t < 0 {
            sd_journal_close(handle)
            throw SystemdError(operation: "sd_journal_set_data_threshold", code: -t)
        }
    }

    deinit {
        sd_journal_close(journal)
    }

    /// Every entry whose fields equal all of `matching`, oldest first, with all its fields.
    ///
    /// An empty `matching` returns every entry. When a field occurs several times in one entry, the
    /// first value is kept.
    ///
    /// - Throws: ``SystemdError`` from the `sd_journal_*` call that failed (e.g. `EINVAL` for a field
    ///   name the journal cannot match on).
    public func entries(matching: [String: String]) throws -> [[String: String]] {
        // Take in journal files added or removed since the last query before reading.
        let p = sd_journal_process(journal)
        if p < 0 { throw SystemdError(operation: "sd_journal_process", code: -p) }
        return try query(matching)
    }

    /// Waits until at least `count` entries match, then returns all matching entries.
    ///
    /// journald writes an entry a few milliseconds after it was sent, so tests and startup checks poll:
    /// query, and if too few match, `sd_journal_wait` up to 10 ms for the journal to change, until
    /// `timeout` has passed. Returns what matched by then, which may be fewer than `count`.
    ///
    /// - Throws: ``SystemdError`` from the `sd_journal_*` call that failed.
    public func waitForEntries(
        matching: [String: String],
        count: Int,
        timeout: Duration
    ) throws -> [[String: String]] {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let found = try entries(matching: matching)
            if found.count >= count || clock.now >= deadline { return found }
            let w = sd_journal_wait(journal, 10_000)
            if w < 0 { throw SystemdError(operation: "sd_journal_wait", code: -w) }
        }
    }

    private func query(_ matching: [String: String]) throws -> [[String: String]] {
        sd_journal_flush_matches(journal)
        defer { sd_journal_flush_matches(journal) }
        for (field, value) in matching.sorted(by: { $0.key < $1.key }) {
            let data = Array("\(field)=\(value)".utf8)
            let r = data.withUnsafeBytes { sd_journal_add_match(journal, $0.baseAddress, $0.count) }
            if r < 0 { throw SystemdError(operation: "sd_journal_add_match '\(field)'", code: -r) }
        }
        let s = sd_journal_seek_head(journal)
        if s < 0 { throw SystemdError(operation: "sd_journal_seek_head", code: -s) }
        var result: [[String: String]] = []
        while true {
            let n = sd_journal_next(journal)
            if n < 0 { throw SystemdError(operation: "sd_journal_next", code: -n) }
            if n == 0 { return result }
            result.append(try currentEntry())
        }
    }

    private func currentEntry() throws -> [String: String] {
        var fields: [String: String] = [:]
        sd_journal_restart_data(journal)
        while true {
            var data: UnsafeRawPointer?
            var length = 0
            let r = sd_journal_enumerate_data(journal, &data, &length)
            if r < 0 { throw SystemdError(operation: "sd_journal_enumerate_data", code: -r) }
            guard r > 0, let data else { return fields }
            let bytes = UnsafeRawBufferPointer(start: data, count: length)
            guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = String(decoding: bytes[..<equals], as: UTF8.self)
            if fields[name] == nil {
                fields[name] = String(decoding: bytes[(equals + 1)...], as: UTF8.self)
            }
        }
    }
}
