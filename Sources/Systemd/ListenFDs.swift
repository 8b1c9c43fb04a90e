import CSystemd

#if canImport(Glibc)
    import Glibc
#endif

/// File descriptors passed by socket activation (`sd_listen_fds(3)`).
public enum ListenFDs {
    /// The first passed descriptor (`SD_LISTEN_FDS_START`, 3).
    public static let start = Int32(SD_LISTEN_FDS_START)

    /// Takes the descriptors the service manager passed to this process, in order, starting at 3.
    ///
    /// Unsets `$LISTEN_PID`, `$LISTEN_FDS` and `$LISTEN_FDNAMES` so children do not inherit them, and
    /// marks the descriptors close-on-exec. Returns an empty array when nothing was passed to this
    /// process; a second call returns an empty array too.
    ///
    /// - Throws: ``SystemdError`` when the variables are malformed or a descriptor is not open.
    public static func take() throws -> [Int32] {
        let n = sd_listen_fds(1)
        if n < 0 { throw SystemdError(operation: "sd_listen_fds", code: -n) }
        return (0..<n).map { start + $0 }
    }

    /// Whether `fd` is a Unix stream socket, listening when `listening` is true, bound to `path` when given.
    ///
    /// - Throws: ``SystemdError`` for `sd_is_socket_unix`, e.g. `EBADF` when `fd` is not open.
    public static func isUnixStreamSocket(_ fd: Int32, listening: Bool = true, path: String? = nil) throws -> Bool {
        let r: Int32
        if let path {
            r = sd_is_socket_unix(fd, Int32(SOCK_STREAM.rawValue), listening ? 1 : 0, path, path.utf8.count)
        } else {
            r = sd_is_socket_unix(fd, Int32(SOCK_STREAM.rawValue), listening ? 1 : 0, nil, 0)
        }
        if r < 0 { throw SystemdError(operation: "sd_is_socket_unix", code: -r) }
        return r > 0
    }
}
