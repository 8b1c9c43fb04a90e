import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("cadencectl backup FILE")
struct BackupCommandTests {
    @Test(
        "A backup of a running daemon's ledger, larger than one reply, is written whole to FILE (owner only) and restores into a fresh state directory"
    )
    func backupAndRestore() throws {
        try #require(CtlDaemon.cadenced != nil && CtlDaemon.cadencectl != nil, "build the package first")
        let daemon = try CtlDaemon(name: "backup")
        try daemon.succeed(["units", "add", "county-a", "--name", "示例县卫生局", "--kind", "county-bureau"])
        // Enough items that the copy takes several 4 MiB replies.
        let filler = String(repeating: "值班制度未落实，夜间无人接听电话。", count: 12)
        var csv = "单位,问题,整改时限,第一责任人\n"
        for number in 1...12_000 { csv += "county-a,\(number)号 \(filler),2099-06-30,王某\(number % 50)\n" }
        try daemon.succeed(["import", "items", try daemon.file("items.csv", Data(csv.utf8))])

        let target = daemon.root + "/ledger-copy.sqlite"
        // An existing file is replaced once the whole copy has arrived.
        try Data("old".utf8).write(to: URL(fileURLWithPath: target))
        let result = try daemon.succeed(["backup", target])
        #expect(result.stdout.hasPrefix("Backed up the ledger as of "), "\(result.stdout)")
        #expect(result.stdout.contains("to \(target): 12000 items, "), "\(result.stdout)")
        let attributes = try FileManager.default.attributesOfItem(atPath: target)
        let size = try #require((attributes[.size] as? NSNumber)?.intValue)
        #expect(size > 8 << 20, "the copy should take several replies: \(size) bytes")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(!FileManager.default.fileExists(atPath: target + ".part"))
        // Read to its end, nothing is left on the server.
        #expect(try FileManager.default.contentsOfDirectory(atPath: daemon.root + "/state/backups").isEmpty)

        let restored = try CtlDaemon(name: "restored", ledger: target)
        let status = try restored.succeed(["status", "--json"]).stdout
        let counts = try JSONSerialization.jsonObject(with: Data(status.utf8)) as? [String: Any] ?? [:]
        #expect(counts["items"] as? Int == 12_000, "\(status.prefix(300))")
        #expect(try restored.succeed(["units", "list"]).stdout.contains("示例县卫生局"))
    }

    @Test(
        "Bad backup commands fail with a clear error and leave nothing behind: no FILE, a FILE in a missing directory")
    func badInput() throws {
        try #require(CtlDaemon.cadenced != nil && CtlDaemon.cadencectl != nil, "build the package first")
        let daemon = try CtlDaemon(name: "backup-bad")
        let missing = try daemon.ctl(["backup"])
        #expect(missing.status == 64 && missing.stderr.contains("FILE"), "\(missing.stderr)")

        let nowhere = try daemon.ctl(["backup", daemon.root + "/no/such/dir/ledger.sqlite"])
        #expect(nowhere.status == 73, "\(nowhere.status): \(nowhere.stderr)")
        #expect(nowhere.stderr.contains("cannot write"), "\(nowhere.stderr)")
        // The daemon was not asked: no copy waits on the server.
        let waiting = (try? FileManager.default.contentsOfDirectory(atPath: daemon.root + "/state/backups")) ?? []
        #expect(waiting.isEmpty)

        let away = try BinaryRunner.run(
            CtlDaemon.cadencectl!, ["backup", daemon.root + "/x.sqlite"],
            environment: ["CADENCED_SOCKET": daemon.root + "/no-daemon"])
        #expect(away.status == 69, "\(away.status): \(away.stderr)")
        #expect(!FileManager.default.fileExists(atPath: daemon.root + "/x.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: daemon.root + "/x.sqlite.part"))
    }
}
