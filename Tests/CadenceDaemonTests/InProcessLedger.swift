import CadenceConfiguration
import CadenceControl
import CadenceCore
@testable import CadenceDaemon
import CadenceStore
import Foundation
import Logging
import Testing

/// A configuration directory, a ledger, its manager and the control handler on an injected clock:
/// the daemon without its sockets and timers. A call goes in as the socket brings it (a Varlink
/// message) and its reply comes back as a client reads it (written as JSON, parsed again).
final class InProcessLedger {
    let root: String
    let journal = RecordingJournal()
    let manager: Manager
    var now: Date

    static let root = Peer(uid: 0, gid: 0, user: "root", groups: [0])

    /// - Parameters:
    ///   - conf: the whole `cadenced.conf`.
    ///   - cadences: `cadences.d/NAME.cadence` files by name.
    ///   - holidays: `holidays.d/test.conf`, when given.
    ///   - files: more files of the configuration directory, by relative path (`routes.d/x.route`).
    ///   - ledger: a ledger file (a backup) to start from, copied into the state directory, as an
    ///     administrator restores one.
    init(
        conf: String, cadences: [String: String] = [:], holidays: String? = nil, files: [String: String] = [:],
        ledger: String? = nil, now: Date
    ) throws {
        root =
            FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-ledger-\(UUID().uuidString)").path
        self.now = now
        try FileManager.default.createDirectory(atPath: root + "/config/cadences.d", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/state", withIntermediateDirectories: true)
        for (name, body) in cadences {
            try Data(body.utf8).write(to: URL(fileURLWithPath: root + "/config/cadences.d/\(name).cadence"))
        }
        try Data(conf.utf8).write(to: URL(fileURLWithPath: root + "/config/cadenced.conf"))
        if let holidays {
            try FileManager.default.createDirectory(
                atPath: root + "/config/holidays.d", withIntermediateDirectories: true)
            try Data(holidays.utf8).write(to: URL(fileURLWithPath: root + "/config/holidays.d/test.conf"))
        }
        for (path, text) in files {
            let full = root + "/config/" + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        }
        if let ledger { try FileManager.default.copyItem(atPath: ledger, toPath: root + "/state/ledger.sqlite") }
        manager = Manager(
            store: try LedgerStore(path: root + "/state/ledger.sqlite"), configuration: try Self.load(root, now),
            noticeDirectory: root + "/state/notices", journal: journal, logger: Logger(label: "test"))
    }

    private static func load(_ root: String, _ now: Date) throws -> LoadedConfiguration {
        try ConfigurationLoader(directory: root + "/config").load(
            reference: now, systemTimeZone: TimeZone(identifier: "UTC")!)
    }

    /// A reload with a new `cadenced.conf`, as SIGHUP does it; `remove` takes configuration files
    /// away first (by relative path).
    func reload(conf: String, remove: [String] = []) throws {
        for path in remove { try FileManager.default.removeItem(atPath: root + "/config/" + path) }
        try Data(conf.utf8).write(to: URL(fileURLWithPath: root + "/config/cadenced.conf"))
        manager.replace(
            configuration: try Self.load(root, now), noticeDirectory: root + "/state/notices", templates: [:])
    }

    /// Calls `io.cadenced.Ledger.METHOD` as `peer`; the whole reply (`parameters`, or `error`).
    func reply(_ method: String, _ parameters: [String: Any], as peer: Peer = InProcessLedger.root) throws
        -> [String: Any]
    {
        let message = try JSONSerialization.data(
            withJSONObject: ["method": "io.cadenced.Ledger." + method, "parameters": parameters])
        let instant = now
        let reply = ControlHandler(manager: manager, clock: DaemonClock(wall: { instant }), onChange: {})
            .handle(try VarlinkCall.parse(Array(message)).get(), peer: peer)
        return try JSONSerialization.jsonObject(with: JSONWriter.data(reply)) as? [String: Any] ?? [:]
    }

    /// Calls a method that must succeed; its reply's parameters.
    @discardableResult
    func call(
        _ method: String, _ parameters: [String: Any], as peer: Peer = InProcessLedger.root,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> [String: Any] {
        let reply = try reply(method, parameters, as: peer)
        #expect(reply["error"] == nil, "\(method): \(reply)", sourceLocation: sourceLocation)
        return reply["parameters"] as? [String: Any] ?? [:]
    }

    /// Processes what is due at `instant` (which becomes now).
    @discardableResult
    func process(at instant: Date) throws -> [Notice] {
        now = instant
        return try manager.process(at: instant)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }
}
