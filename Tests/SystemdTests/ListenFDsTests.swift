import Foundation
import Testing

@testable import Systemd

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Socket-activation descriptors", .serialized)
struct ListenFDsTests {
    @Test("Descriptors passed to this PID are taken once, from fd 3, and the variables are unset")
    func takesPassedDescriptors() throws {
        // sd_listen_fds marks fd 3 close-on-exec; keep the test process's own fd 3 (if any) as it was.
        let savedFlags = fcntl(3, F_GETFD)
        var placeholder: Int32 = -1
        if savedFlags < 0 {
            placeholder = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            if placeholder != 3 { #expect(dup2(placeholder, 3) == 3) }
        }
        defer {
            if savedFlags >= 0 {
                _ = fcntl(3, F_SETFD, savedFlags)
            } else {
                close(3)
                if placeholder != 3 { close(placeholder) }
            }
        }
        setenv("LISTEN_PID", String(getpid()), 1)
        setenv("LISTEN_FDS", "1", 1)
        #expect(try ListenFDs.take() == [3])
        #expect(getenv("LISTEN_PID") == nil)
        #expect(getenv("LISTEN_FDS") == nil)
        #expect(try ListenFDs.take() == [])
    }

    @Test("Descriptors meant for another PID are not taken")
    func otherProcess() throws {
        setenv("LISTEN_PID", String(getpid() + 1), 1)
        setenv("LISTEN_FDS", "2", 1)
        #expect(try ListenFDs.take() == [])
        #expect(getenv("LISTEN_FDS") == nil)
    }

    // Bad input tried: LISTEN_FDS=two.
    @Test("A malformed LISTEN_FDS is reported")
    func malformed() {
        setenv("LISTEN_PID", String(getpid()), 1)
        setenv("LISTEN_FDS", "two", 1)
        defer {
            unsetenv("LISTEN_PID")
            unsetenv("LISTEN_FDS")
        }
        #expect(throws: SystemdError(operation: "sd_listen_fds", code: EINVAL)) { try ListenFDs.take() }
    }

    @Test("A listening Unix stream socket is recognised, with its path; a datagram socket is not")
    func recognisesUnixSockets() throws {
        let path = NSTemporaryDirectory() + "cadenced-listen-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer {
            close(fd)
            unlink(path)
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(bound == 0)
        try #require(listen(fd, 1) == 0)
        #expect(try ListenFDs.isUnixStreamSocket(fd))
        #expect(try ListenFDs.isUnixStreamSocket(fd, path: path))
        #expect(try !ListenFDs.isUnixStreamSocket(fd, path: path + "-other"))

        let datagram = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(datagram) }
        #expect(try !ListenFDs.isUnixStreamSocket(datagram, listening: false))
    }

    // Bad input tried: descriptor -1.
    @Test("Asking about a descriptor that is not open is reported")
    func notOpen() {
        #expect(throws: SystemdError(operation: "sd_is_socket_unix", code: EBADF)) {
            try ListenFDs.isUnixStreamSocket(-1)
        }
    }
}
