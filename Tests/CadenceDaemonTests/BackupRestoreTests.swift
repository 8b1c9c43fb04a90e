import CadenceControl
import CadenceCore
@testable import CadenceDaemon
import CadenceStore
import Foundation
import Testing

/// A daily reminder at 09:00 (each day its own period), in UTC with English notices.
private let daily =
    "[Cadence]\nDescription=Daily duty roster\nOnCalendar=*-*-* 09:00\nKind=reminder\nPeriod=occurrence\n"
private let conf = "[Daemon]\nTimeZone=UTC\nLanguage=en\n"

extension InProcessLedger {
    /// Takes a backup as `cadencectl backup` does: Backup, then ReadBackup from each offset until
    /// the whole copy has arrived. The copy's file, and Backup's reply.
    fileprivate func takeBackup() throws -> (file: String, reply: [String: Any]) {
        let reply = try call("Backup", [:])
        let name = try #require(reply["backup"] as? String)
        let size = try #require(reply["size"] as? Int)
        var data = Data()
        while data.count < size {
            let part = try call("ReadBackup", ["backup": name, "offset": data.count])
            #expect(part["size"] as? Int == size)
            let chunk = try #require(Data(base64Encoded: part["data"] as? String ?? ""))
            try #require(!chunk.isEmpty)
            data += chunk
        }
        let file = root + "/" + name
        try data.write(to: URL(fileURLWithPath: file))
        return (file, reply)
    }

    fileprivate var backups: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: root + "/state/backups")) ?? []
    }
}

@Suite("A backup taken while the daemon runs restores into a fresh state directory")
struct BackupRestoreTests {
    @Test(
        "Restored after a lost server, the daemon sends no notice twice and none is lost: what fell due since the backup is caught up once"
    )
    func restoreResumes() throws {
        let original = try InProcessLedger(conf: conf, cadences: ["roster": daily], now: inUTC("2027-03-01", 8))
        try original.process(at: inUTC("2027-03-01", 8))
        try original.manager.store.addUnits(
            [NewUnit(id: "county-a", name: "County A Health Bureau", kind: .countyBureau)], at: original.now,
            actor: nil)
        try original.process(at: inUTC("2027-03-01", 9))
        original.now = inUTC("2027-03-01", 10)
        try original.call(
            "AddItem",
            ["unit": "county-a", "title": "Night duty unstaffed", "deadline": "2027-03-03", "first": "Wu Yi"])
        try original.process(at: inUTC("2027-03-02", 9))
        let before = Set(try original.manager.store.notices().map(\.notice.key))
        #expect(before.contains("occurrence/roster/2027-03-02T09:00:00"))

        // The backup, at noon on 2 March; the ledger goes on changing while its copy is read.
        original.now = inUTC("2027-03-02", 12)
        let backupCall = try original.call("Backup", [:])
        let name = try #require(backupCall["backup"] as? String)
        #expect(original.backups == [name])
        #expect(backupCall["items"] as? Int == 1 && backupCall["notices"] as? Int == before.count)
        #expect(backupCall["takenAt"] as? String == "2027-03-02T12:00:00Z")
        // The server runs on until 5 March 12:00, then is lost: what it sent after the backup.
        var sentAfter: [Notice] = []
        for day in ["2027-03-03", "2027-03-04", "2027-03-05"] {
            sentAfter += try original.process(at: inUTC(day, 9))
        }
        try original.process(at: inUTC("2027-03-05", 12))
        let size = try #require(backupCall["size"] as? Int)
        var data = Data()
        while data.count < size {
            let part = try original.call("ReadBackup", ["backup": name, "offset": data.count])
            data += try #require(Data(base64Encoded: part["data"] as? String ?? ""))
        }
        // Read to its end, the copy is gone from the server.
        #expect(original.backups.isEmpty)
        let file = original.root + "/backup.sqlite"
        try data.write(to: URL(fileURLWithPath: file))

        // Restored on a new server on 5 March 12:30, with the same configuration.
        let restored = try InProcessLedger(
            conf: conf, cadences: ["roster": daily], ledger: file, now: inUTC("2027-03-05", 12))
        // The copy is the ledger at the backup: nothing the server did later is in it.
        #expect(Set(try restored.manager.store.notices().map(\.notice.key)) == before)
        let resumed = try restored.process(at: inUTC("2027-03-05", 12) + 1800)
        // Nothing sent before the backup is sent again.
        #expect(Set(resumed.map(\.key)).isDisjoint(with: before))
        // The days that fell due since are announced once, late, in one catch-up notice.
        let catchUp = resumed.filter { $0.kind == .catchUp }
        #expect(catchUp.count == 1)
        let sentPeriods = sentAfter.filter { $0.kind == .occurrence }.flatMap(\.periods)
        #expect(sentPeriods == ["2027-03-03T09:00:00", "2027-03-04T09:00:00", "2027-03-05T09:00:00"])
        #expect(catchUp.first?.periods == sentPeriods)
        // The item that fell overdue meanwhile is overdue on the new server too. The warning the lost
        // server sent the day before its deadline is not sent late, as after any stop: it is past.
        let stages = { (notices: [Notice]) in
            Set(notices.filter { $0.kind != .occurrence && $0.kind != .catchUp }.map(\.key))
        }
        #expect(stages(sentAfter) == ["item/1/warn-86400s", "item/1/overdue"])
        #expect(stages(resumed) == ["item/1/overdue"])
        // And a restart of the restored daemon sends nothing more.
        #expect(try restored.process(at: inUTC("2027-03-05", 13)).isEmpty)
    }

    @Test(
        "Bad backup calls change nothing: a name that is no backup's, one read already, an offset outside it, a reader's call"
    )
    func badCalls() throws {
        let ledger = try InProcessLedger(conf: conf, now: inUTC("2027-03-01", 8))
        try ledger.process(at: ledger.now)
        let (file, reply) = try ledger.takeBackup()
        let name = try #require(reply["backup"] as? String)
        #expect(ledger.backups.isEmpty)
        #expect(FileManager.default.fileExists(atPath: file))

        let fresh = try #require(try ledger.call("Backup", [:])["backup"] as? String)
        for (parameters, error, says) in [
            (
                ["backup": "../ledger.sqlite", "offset": 0] as [String: Any], "InvalidArgument",
                "is not the name of a backup"
            ),
            (["backup": "/etc/passwd", "offset": 0], "InvalidArgument", "is not the name of a backup"),
            (["backup": name, "offset": 0], "NotFound", "was read to its end"),
            (["backup": fresh, "offset": -1], "InvalidArgument", "outside the backup"),
            (["backup": fresh, "offset": 1 << 40], "InvalidArgument", "outside the backup"),
            (["backup": fresh], "InvalidParameter", "offset"),
        ] {
            let reply = try ledger.reply("ReadBackup", parameters)
            #expect((reply["error"] as? String)?.hasSuffix(error) == true, "\(parameters): \(reply)")
            #expect("\(reply)".contains(says), "\(parameters): \(reply)")
        }
        // The unread copy is still there, whole.
        #expect(ledger.backups == [fresh])

        let reader = Peer(uid: 1000, gid: 1000, user: "clerk", groups: [1000])
        for (method, parameters) in [("Backup", [:] as [String: Any]), ("ReadBackup", ["backup": fresh, "offset": 0])] {
            let refused = try ledger.reply(method, parameters, as: reader)
            #expect((refused["error"] as? String)?.hasSuffix("PermissionDenied") == true, "\(refused)")
            #expect("\(refused)".contains("may not back up the ledger"), "\(refused)")
        }
        #expect(ledger.backups == [fresh])

        // A copy nobody reads is deleted when a backup is taken more than an hour later.
        ledger.now = ledger.now + 3601
        let later = try #require(try ledger.call("Backup", [:])["backup"] as? String)
        #expect(ledger.backups == [later])
    }
}
