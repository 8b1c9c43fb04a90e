import Foundation
import Testing

/// `scripts/check-imports` holds the modules to STYLE.md §3; CI runs it. These tests run it on this
/// tree (clean) and on copies of the tree with one deliberate violation each.
@Suite("Module rules (scripts/check-imports)")
struct ModuleRuleTests {
    private let script = BinaryRunner.packageRoot.appendingPathComponent("scripts/check-imports")

    /// A copy of Sources/ with `text` written to `Sources/RELATIVE`; the result of the script on it.
    private func check(adding text: String, at relative: String) throws -> BinaryRunner.Result {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cadenced-imports-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: BinaryRunner.packageRoot.appendingPathComponent("Sources"), to: root.appendingPathComponent("Sources"))
        let file = root.appendingPathComponent("Sources/" + relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return try BinaryRunner.run(URL(fileURLWithPath: "/bin/bash"), [script.path, root.path])
    }

    @Test("This tree keeps the rules")
    func treeIsClean() throws {
        let result = try BinaryRunner.run(URL(fileURLWithPath: "/bin/bash"), [script.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test(
        "A forbidden import fails, naming the file and line",
        arguments: [
            ("cadencectl/Sneaky.swift", "import Foundation\nimport CadenceStore\n", "cadencectl imports CadenceStore"),
            ("cadencectl/Sneaky.swift", "@preconcurrency import CadenceDaemon\n", "cadencectl imports CadenceDaemon"),
            ("CadenceCore/Sneaky.swift", "public import Glibc\n", "CadenceCore imports Glibc"),
            ("CadenceStore/Sneaky.swift", "import Systemd\n", "CadenceStore imports Systemd"),
            ("CadenceControl/Sneaky.swift", "import struct GRDB.Row\n", "CadenceControl imports GRDB"),
        ])
    func forbiddenImportFails(file: String, text: String, message: String) throws {
        let result = try check(adding: text, at: file)
        #expect(result.status == 1)
        #expect(result.stdout.contains("Sources/\(file):"), "\(result.stdout)")
        #expect(result.stdout.contains(message), "\(result.stdout)")
    }

    @Test("The pure domain may not read files, the environment or the clock")
    func coreReadingFilesFails() throws {
        let result = try check(
            adding:
                "import Foundation\nlet now = Date()\nlet text = FileManager.default.contents(atPath: \"/etc/x\")\n",
            at: "CadenceCore/Sneaky.swift")
        #expect(result.status == 1)
        #expect(result.stdout.contains("Sources/CadenceCore/Sneaky.swift:2: CadenceCore is pure"), "\(result.stdout)")
        #expect(result.stdout.contains("Sources/CadenceCore/Sneaky.swift:3: CadenceCore is pure"), "\(result.stdout)")
    }

    @Test("A module the rules do not list fails")
    func unlistedModuleFails() throws {
        let result = try check(adding: "import Foundation\n", at: "CadenceNew/New.swift")
        #expect(result.status == 1)
        #expect(result.stdout.contains("Sources/CadenceNew: a module the rules do not list"), "\(result.stdout)")
    }

    @Test("cadencectl links neither SQLite nor libsystemd (ldd)")
    func cliLinksNoStoreNorSystemd() throws {
        guard let ldd = BinaryRunner.which("ldd") else { try Test.cancel("ldd is not installed") }
        guard let cli = BinaryRunner.executable("cadencectl") else {
            Issue.record("the debug build of cadencectl is missing")
            return
        }
        let result = try BinaryRunner.run(ldd, [cli.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("libFoundation"), "ldd listed no libraries: \(result.stdout)")
        #expect(!result.stdout.contains("libsqlite3"), "\(result.stdout)")
        #expect(!result.stdout.contains("libsystemd"), "\(result.stdout)")
        let daemon = try BinaryRunner.run(ldd, [try #require(BinaryRunner.executable("cadenced")).path])
        #expect(daemon.stdout.contains("libsystemd"), "the check would see libsystemd where it is linked")
    }
}
