import Foundation
import Testing

/// The manual pages: cadencectl(1) generated from the tool's own definitions, the others written
/// by hand in man/; each renders without a warning, as `man` shows it on a UTF-8 terminal.
@Suite("Manual pages")
struct ManualPageTests {
    static let groff = BinaryRunner.which("groff")
    static let man = BinaryRunner.which("man")

    /// cadencectl(1) as `make man` writes it.
    static func generated() throws -> String {
        let cadencectl = try #require(CtlDaemon.cadencectl, "build the package first")
        let script = BinaryRunner.packageRoot.appendingPathComponent("scripts/generate-manual")
        let result = try BinaryRunner.run(script, [cadencectl.path, "--date", "2026-12-07", "--version", "0.1.0"])
        try #require(result.status == 0, "scripts/generate-manual: \(result.stderr)")
        return result.stdout
    }

    /// Every command and subcommand cadencectl shows, as `cadencectl units add`, with its options.
    static func commands() throws -> [(path: String, options: [String])] {
        let cadencectl = try #require(CtlDaemon.cadencectl)
        let dump = try BinaryRunner.run(cadencectl, ["--experimental-dump-help"])
        let root = try #require(
            (try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])?["command"]
                as? [String: Any])
        var found: [(String, [String])] = []
        func walk(_ command: [String: Any], _ path: [String]) {
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                guard let name = sub["commandName"] as? String, name != "help", sub["shouldDisplay"] as? Bool != false
                else { continue }
                let options = (sub["arguments"] as? [[String: Any]] ?? []).compactMap { argument -> String? in
                    guard argument["shouldDisplay"] as? Bool != false,
                        let names = argument["names"] as? [[String: Any]],
                        let long = names.first(where: { $0["kind"] as? String == "long" })?["name"] as? String,
                        long != "help", long != "version"
                    else { return nil }
                    return long
                }
                found.append(((path + [name]).joined(separator: " "), options))
                walk(sub, path + [name])
            }
        }
        walk(root, ["cadencectl"])
        return found
    }

    @Test("cadencectl(1) has a section for every command, with every option, and keeps the Chinese of the examples")
    func everyCommand() throws {
        let page = try Self.generated()
        let commands = try Self.commands()
        #expect(commands.count > 40, "\(commands.count) commands")
        for (path, options) in commands {
            guard let start = page.range(of: ".SS \"\(path)\"\n") else {
                Issue.record("no section for \(path)")
                continue
            }
            let section = page[start.upperBound...].prefix { _ in true }
            let end = section.range(of: "\n.SS ")?.lowerBound ?? section.endIndex
            for option in options {
                #expect(
                    section[..<end].contains("\\fB\\-\\-\(option.replacingOccurrences(of: "-", with: "-"))\\fR"),
                    "\(path): --\(option) is not on the page")
            }
        }
        #expect(page.contains("cadencectl units add county-a --name '示例县卫生局'"))
        #expect(page.contains(".SS \"cadencectl backup\""))
    }

    @Test(
        "Every page renders without a warning: groff -ww, and man -l on a UTF-8 terminal",
        .enabled(if: groff != nil && man != nil, "needs groff and man-db (scripts/deps installs them)")
    )
    func rendersCleanly() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-man-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let generated = directory.appendingPathComponent("cadencectl.1")
        try Data(try Self.generated().utf8).write(to: generated)
        let manDirectory = BinaryRunner.packageRoot.appendingPathComponent("man")
        let pages =
            try FileManager.default.contentsOfDirectory(atPath: manDirectory.path).sorted()
            .filter { $0.range(of: #"\.[1-8]$"#, options: .regularExpression) != nil }
            .map { manDirectory.appendingPathComponent($0) } + [generated]
        #expect(pages.map(\.lastPathComponent).contains("cadenced.8"))
        #expect(pages.map(\.lastPathComponent).contains("cadenced.conf.5"))
        #expect(pages.map(\.lastPathComponent).contains("cadenced.cadence.5"))
        let utf8 = ["LC_ALL": "C.UTF-8", "MANWIDTH": "80"]
        for page in pages {
            let troff = try BinaryRunner.run(
                Self.groff!, ["-ww", "-z", "-K", "utf8", "-man", page.path], environment: utf8)
            #expect(troff.status == 0 && troff.stderr.isEmpty, "\(page.lastPathComponent): \(troff.stderr)")
            let shown = try BinaryRunner.run(Self.man!, ["-l", page.path], environment: utf8)
            #expect(shown.status == 0 && shown.stderr.isEmpty, "\(page.lastPathComponent): \(shown.stderr)")
            #expect(shown.stdout.count > 1000, "\(page.lastPathComponent) renders almost nothing")
        }
    }
}
