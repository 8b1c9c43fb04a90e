import Foundation
import Testing

@testable import Systemd

#if canImport(Glibc)
    import Glibc
#endif

/// A datagram socket standing in for systemd's notification socket.
private final class NotifySocket {
    let path: String
    let fd: Int32

    init() throws {
        path = NSTemporaryDirectory() + "cadenced-notify-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8) + [0])
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw SystemdError(operation: "bind", code: errno) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n > 0 ? String(decoding: buffer.prefix(n), as: UTF8.self) : nil
    }

    deinit {
        close(fd)
        unlink(path)
    }
}

@Suite("Service notifications", .serialized)
struct NotifierTests {
    @Test("READY and STATUS reach the notification socket in one datagram, newlines in the status flattened")
    func readyAndStatusArrive() throws {
        let socket = try NotifySocket()
        setenv("NOTIFY_SOCKET", socket.path, 1)
        defer { unsetenv("NOTIFY_SOCKET") }
        let sent = try Notifier.notify([.ready, .status("next: monthly-reminder\n2026-12-01")])
        #expect(sent)
        #expect(socket.receive() == "READY=1\nSTATUS=next: monthly-reminder 2026-12-01")
    }

    @Test("Without $NOTIFY_SOCKET nothing is sent and that is not an error")
    func notRunBySystemd() throws {
        unsetenv("NOTIFY_SOCKET")
        #expect(try Notifier.notify([.ready]) == false)
    }

    // Bad input tried: a notification socket path that does not exist.
    @Test("A notification socket that is gone is reported with the errno")
    func socketGone() {
        setenv("NOTIFY_SOCKET", "/nonexistent/cadenced-notify", 1)
        defer { unsetenv("NOTIFY_SOCKET") }
        #expect(throws: SystemdError.self) { try Notifier.notify([.ready]) }
    }
}
