import CadenceConfiguration
import CadenceControl
import CadenceCore
import CadenceStore
import Dispatch
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// The control socket: Varlink (`io.cadenced.Ledger`, `org.varlink.service`) on a Unix stream
/// socket, served on the main queue with the daemon's other sources.
///
/// Limits: message size, number of connections, idle time (`[Control]` in cadenced.conf). The
/// peer's credentials (SO_PEERCRED) decide what it may do: root and members of `AdminGroup=`
/// may change the ledger; members of the `cadenced` group may read; others are refused.
@MainActor
public final class ControlServer {
    let listenFD: Int32
    let handler: ControlHandler
    let logger: Logger
    /// Idle and stall timeouts are measured on its monotonic clock only.
    let clock: DaemonClock
    let limits: Limits
    var acceptSource: (any DispatchSourceRead)?
    var connections: [Int32: Connection] = [:]

    /// The limits of the socket.
    public struct Limits: Sendable {
        public var maxConnections: Int
        public var maxMessageSize: Int
        /// For peers that may write: an import carries a whole file.
        public var maxImportSize: Int
        public var idleTimeout: Duration

        public init(maxConnections: Int, maxMessageSize: Int, maxImportSize: Int = 64 << 20, idleTimeout: Duration) {
            self.maxConnections = maxConnections
            self.maxMessageSize = maxMessageSize
            self.maxImportSize = max(maxImportSize, maxMessageSize)
            self.idleTimeout = idleTimeout
        }
    }

    init(listenFD: Int32, handler: ControlHandler, limits: Limits, logger: Logger, clock: DaemonClock = .system) {
        self.listenFD = listenFD
        self.clock = clock
        self.handler = handler
        self.limits = limits
        self.logger = logger
    }

    /// Binds a listening socket at `path` (replacing a stale socket file), mode 0660.
    /// The file system path a listening Unix socket is bound to (`getsockname`), if it has one.
    static func boundPath(of fd: Int32) -> String? {
        var address = sockaddr_un()
        var length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let got = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard got == 0, address.sun_family == sa_family_t(AF_UNIX) else { return nil }
        let path = withUnsafeBytes(of: &address.sun_path) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return path.hasPrefix("/") ? path : nil
    }

    public static func bind(path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ControlSocketError(operation: "socket", path: path, code: errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw ControlSocketError(operation: "bind", path: path, code: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes + [0]) }
        var info = stat()
        if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFSOCK { unlink(path) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw ControlSocketError(operation: "bind", path: path, code: code)
        }
        chmod(path, 0o660)
        guard listen(fd, 64) == 0 else {
            let code = errno
            close(fd)
            throw ControlSocketError(operation: "listen", path: path, code: code)
        }
        return fd
    }

    /// Starts accepting connections.
    public func start() {
        _ = fcntl(listenFD, F_SETFL, fcntl(listenFD, F_GETFL) | O_NONBLOCK)
        let source = DispatchSource.makeReadSource(fileDescriptor: listenFD, queue: .main)
        source.setEventHandler { [weak self] in self?.acceptAll() }
        source.resume()
        acceptSource = source
    }

    func acceptAll() {
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 { return }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            guard connections.count < limits.maxConnections || reapHungUp() > 0 || makeRoom() else {
                logger.warning("Control socket: refusing a connection, \(limits.maxConnections) are open")
                close(fd)
                continue
            }
            let peer = Peer.of(fd)
            let connection = Connection(fd: fd, peer: peer, server: self)
            connections[fd] = connection
            connection.start()
        }
    }

    func closed(_ fd: Int32) {
        connections[fd] = nil
    }

    /// Stops accepting and closes every connection (replies already sent stay sent). The listening
    /// socket itself stays open: systemd may hold it for the next start (socket activation).
    public func stop() {
        acceptSource?.cancel()
        acceptSource = nil
        for connection in connections.values { connection.finish(reason: nil) }
        connections.removeAll()
    }

    /// Closes the connections whose client has hung up entirely (POLLHUP) leaving nothing unread.
    ///
    /// Their end-of-file is read on a later turn of the queue; until then they count against
    /// `MaxConnections=`, so a flood of clients that connect and hang up at once filled every slot
    /// and others were refused (found by Tests/reliability/socket-campaign.py). A client that only
    /// shut down its sending side still gets its replies, and calls it sent are still carried out.
    /// - Returns: how many were closed.
    func reapHungUp() -> Int {
        var reaped = 0
        for (fd, connection) in connections where connection.pending.isEmpty {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            var unread: Int32 = 0
            guard poll(&descriptor, 1, 0) == 1, descriptor.revents & Int16(POLLHUP) != 0,
                ioctl(fd, UInt(FIONREAD), &unread) == 0, unread == 0
            else { continue }
            connection.finish(reason: nil)
            reaped += 1
        }
        return reaped
    }

    /// At the limit, closes one connection that holds a slot while doing nothing useful, so that
    /// clients dribbling bytes or saying nothing cannot keep everyone else out (found by
    /// Tests/reliability/socket-campaign.py). A candidate has no call and no reply waiting, and
    /// either is in an unfinished message begun at least a second ago and arriving at under 64 KB/s
    /// (a real client writes a message at once, and a local socket carries megabytes a second), or
    /// has sent nothing for `IdleTimeoutSec=` or 10 s, whichever is shorter. The candidate that began
    /// its message, or fell silent, earliest is closed.
    /// - Returns: whether a connection was closed.
    func makeRoom() -> Bool {
        let now = clock.monotonic()
        let silence = min(limits.idleTimeout, .seconds(10))
        var victim: (connection: Connection, since: ContinuousClock.Instant, why: String)?
        for connection in connections.values where connection.pending.isEmpty && connection.outbox.isEmpty {
            var candidate: (since: ContinuousClock.Instant, why: String)?
            if let started = connection.messageStarted {
                let age = Self.seconds(now - started)
                let bytes = connection.decoder.pendingByteCount
                if age >= 1 && Double(bytes) < Self.slowRate * age {
                    candidate = (started, "\(bytes) bytes of a message in \(Int(age)) s")
                }
            } else if now - connection.lastReceived >= silence {
                candidate = (
                    connection.lastReceived, "silent for \(Int(Self.seconds(now - connection.lastReceived))) s"
                )
            }
            if let candidate, victim.map({ candidate.since < $0.since }) ?? true {
                victim = (connection, candidate.since, candidate.why)
            }
        }
        guard let victim else { return false }
        victim.connection.finish(
            reason: "making room for a new client at MaxConnections=\(limits.maxConnections): \(victim.why)")
        return true
    }

    /// Bytes per second under which an unfinished message counts as dribbled.
    static let slowRate: Double = 65_536

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
