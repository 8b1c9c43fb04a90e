import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A datagram socket standing in for systemd's notification socket ($NOTIFY_SOCKET).
private final class NotifyListener {
    let path: String
    private let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(bound == 0, "cannot bind \(path): errno \(errno)")
    }

    /// The next message, or nil after `seconds` without one.
    func receive(seconds: Double) -> String? {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(seconds * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : nil
    }

    deinit { close(fd) }
}

@Suite("cadenced stops in order")
struct StopTests {
    @Test("SIGTERM: STOPPING=1 is sent first, a client's open connection is closed, the exit is clean")
    func stopsInOrder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-stop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("config"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let notify = try NotifyListener(path: root.path + "/notify")
        let process = Process()
        process.executableURL = try #require(BinaryRunner.executable("cadenced"))
        process.arguments = ["--config-dir", root.path + "/config", "--state-dir", root.path + "/state"]
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notify.path
        process.environment = environment
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        var messages: [String] = []
        while !messages.contains(where: { $0.contains("READY=1") }), let message = notify.receive(seconds: 20) {
            messages.append(message)
        }
        try #require(messages.contains { $0.contains("READY=1") }, "no READY=1: \(messages)")

        // A client connected and silent: the stop must not wait for it, and it sees the end.
        let client = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(client) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in (root.path + "/state/io.cadenced").utf8.enumerated() { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(client, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(connected == 0, "cannot connect to the control socket: errno \(errno)")

        kill(process.processIdentifier, SIGTERM)
        var stopping: String?
        while stopping == nil, let message = notify.receive(seconds: 20) {
            if message.contains("STOPPING=1") { stopping = message }
        }
        #expect(stopping?.contains("STATUS=Stopping on signal 15") == true, "\(String(describing: stopping))")
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        var byte: UInt8 = 0
        #expect(recv(client, &byte, 1, 0) == 0, "the client's connection was closed (end of file)")
    }

    @Test(
        """
        SIGTERM sent the moment the control socket appears, before the start has installed its handlers, is \
        not lost and not fatal: the daemon stops cleanly, five starts out of five
        """)
    func signalDuringStart() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-stop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("config"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let socketPath = root.path + "/state/io.cadenced"
        for round in 1...5 {
            try? FileManager.default.removeItem(atPath: socketPath)
            let process = Process()
            process.executableURL = try #require(BinaryRunner.executable("cadenced"))
            process.arguments = ["--config-dir", root.path + "/config", "--state-dir", root.path + "/state"]
            process.standardError = FileHandle.nullDevice
            try process.run()
            defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
            // The socket is bound before the start installs its handlers: a SIGTERM here used to kill the
            // daemon (the default action) or, once ignored for dispatch sources, be lost.
            while process.isRunning && !FileManager.default.fileExists(atPath: socketPath) { usleep(200) }
            kill(process.processIdentifier, SIGTERM)
            // A generous bound, not a race: a lost signal leaves the daemon running for good.
            for _ in 0..<600 where process.isRunning { usleep(100_000) }
            try #require(!process.isRunning, "round \(round): still running 60 s after SIGTERM")
            #expect(
                process.terminationReason == .exit && process.terminationStatus == 0,
                "round \(round): \(process.terminationReason == .exit ? "exit" : "signal") \(process.terminationStatus)"
            )
        }
    }
}
