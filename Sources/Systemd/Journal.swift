import CSystemd

#if canImport(Glibc)
    import Glibc
#endif

/// Structured entries for the systemd journal (`sd_journal_sendv(3)`).
public enum Journal {
    /// The native-protocol socket libsystemd sends to; its path is fixed inside libsystemd.
    static let socketPath = "/run/systemd/journal/socket"

    /// Sends one entry made of `fields`, in order, in one datagram.
    ///
    /// Field names were validated when each ``JournalField`` was made; values go out byte for byte, so a
    /// value with newlines arrives intact (libsystemd switches to its length-prefixed encoding for it).
    ///
    /// - Throws: ``SystemdError`` for `sd_journal_sendv`. When journald is not running the error's
    ///   ``SystemdError/isJournalAbsent`` is true: nothing was written, and the caller may retry later.
    public static func send(_ fields: [JournalField]) throws {
        try send(fields, socketPath: socketPath)
    }

    static func send(_ fields: [JournalField], socketPath: String) throws {
        // libsystemd returns 0 — success — when the socket does not exist ("fail silently if the journal
        // is not available", journal-send.c), which would lose the entry. Asking first turns that into
        // ENOENT; a journald that goes away between this check and the send is still reported as
        // ECONNREFUSED by the send itself.
        if access(socketPath, F_OK) != 0 {
            throw SystemdError(operation: "sd_journal_sendv", code: errno)
        }
        let serialized = fields.map(\.serialized)
        let total = serialized.reduce(0) { $0 + $1.count }
        // One allocation holds every field; the iovecs point into it, and it is freed only after
        // sd_journal_sendv has returned.
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(total, 1), alignment: 1)
        defer { storage.deallocate() }
        var iovecs: [iovec] = []
        iovecs.reserveCapacity(serialized.count)
        var offset = 0
        for bytes in serialized {
            let slice = UnsafeMutableRawBufferPointer(rebasing: storage[offset..<offset + bytes.count])
            slice.copyBytes(from: bytes)
            iovecs.append(iovec(iov_base: slice.baseAddress, iov_len: bytes.count))
            offset += bytes.count
        }
        let r = iovecs.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
        if r < 0 { throw SystemdError(operation: "sd_journal_sendv", code: -r) }
    }
}
