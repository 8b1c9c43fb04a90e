import CadenceCore
import Foundation
import Testing

private let journalctl = BinaryRunner.which("journalctl")

@Suite("Journal catalog")
struct CatalogTests {
    @Test(
        "journalctl compiles the catalog and explains every notice kind's MESSAGE_ID",
        .enabled(if: journalctl != nil, "journalctl is not installed"))
    func everyKindIsExplained() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(
            atPath: root + "/usr/lib/systemd/catalog", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: root + "/var/lib/systemd/catalog", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: BinaryRunner.packageRoot.path + "/catalog/cadenced.catalog",
            toPath: root + "/usr/lib/systemd/catalog/cadenced.catalog")
        let update = try BinaryRunner.run(journalctl!, ["--root=\(root)", "--update-catalog"])
        #expect(update.status == 0, "\(update.stderr)")
        let list = try BinaryRunner.run(journalctl!, ["--root=\(root)", "--list-catalog"])
        for kind in NoticeKind.allCases {
            #expect(list.stdout.contains("\(kind.messageID) cadenced: "), "\(kind) has no catalog entry")
        }
        // A Simplified Chinese entry for each kind too.
        let text = try String(
            contentsOfFile: BinaryRunner.packageRoot.path + "/catalog/cadenced.catalog", encoding: .utf8)
        for kind in NoticeKind.allCases {
            #expect(text.contains("-- \(kind.messageID) zh_CN\n"), "\(kind) has no zh_CN entry")
        }
    }
}
