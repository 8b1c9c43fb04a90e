import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A cadenced on temporary directories (Asia/Shanghai, Chinese, no cadences) with its control
/// socket, for tests that drive it with cadencectl; stopped by PID at the end.
final class CtlDaemon {
    static let cadenced = BinaryRunner.executable("cadenced")
    static let cadencectl = BinaryRunner.executable("cadencectl")

    let root: String
    let process = Process()
    var socket: String { root + "/state/io.cadenced" }

    /// - Parameters:
    ///   - name: a word in the temporary directory's name.
    ///   - files: more files of the configuration directory, by relative path (`robots.d/x.robot`).
    ///   - ledger: a ledger file (a backup) to start from, copied in as an administrator restores one.
    init(name: String, files: [String: String] = [:], ledger: String? = nil) throws {
        root =
            FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-\(name)-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: root + "/config/cadences.d", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/state", withIntermediateDirectories: true)
        try Data("[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n".utf8)
            .write(to: URL(fileURLWithPath: root + "/config/cadenced.conf"))
        for (path, text) in files {
            let full = root + "/config/" + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        }
        if let ledger { try FileManager.default.copyItem(atPath: ledger, toPath: root + "/state/ledger.sqlite") }
        process.executableURL = Self.cadenced!
        process.arguments = ["--config-dir", root + "/config", "--state-dir", root + "/state"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: socket) && Date() < deadline { usleep(20_000) }
    }

    func ctl(_ arguments: [String]) throws -> BinaryRunner.Result {
        try BinaryRunner.run(Self.cadencectl!, arguments, environment: ["CADENCED_SOCKET": socket])
    }

    /// Runs cadencectl and expects it to succeed.
    @discardableResult
    func succeed(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws
        -> BinaryRunner.Result
    {
        let result = try ctl(arguments)
        #expect(
            result.status == 0, "\(arguments): exit \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        return result
    }

    /// A file in the daemon's temporary directory.
    func file(_ name: String, _ data: Data) throws -> String {
        let path = root + "/" + name
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    deinit {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: root)
    }
}
