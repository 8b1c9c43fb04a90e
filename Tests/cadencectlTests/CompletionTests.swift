import Foundation
import Testing

/// The shell completions `make install` puts in place come from `cadencectl
/// --generate-completion-script`; a shell given them completes the verbs.
@Suite("Shell completions")
struct CompletionTests {
    static let verbs = [
        "status", "units", "role", "commitment", "review", "report", "item", "overdue", "notices", "import", "export",
        "history", "calendar", "list-cadences",
    ]

    @Test("The bash, zsh and fish scripts name every verb")
    func scripts() throws {
        let cadencectl = try #require(BinaryRunner.executable("cadencectl"), "cadencectl is not built")
        for shell in ["bash", "zsh", "fish"] {
            let result = try BinaryRunner.run(cadencectl, ["--generate-completion-script", shell])
            #expect(result.status == 0, "\(shell): \(result.stderr)")
            for verb in Self.verbs { #expect(result.stdout.contains(verb), "\(shell) script lacks \(verb)") }
        }
    }

    @Test("bash completes `cadencectl item ` with the lifecycle verbs")
    func bashCompletesItemVerbs() throws {
        let cadencectl = try #require(BinaryRunner.executable("cadencectl"), "cadencectl is not built")
        guard let bash = BinaryRunner.which("bash") else {
            print("skipped: no bash")
            return
        }
        let script = try BinaryRunner.run(cadencectl, ["--generate-completion-script", "bash"]).stdout
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cadencectl-completion-\(UUID())")
        try Data(script.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let probe = """
            source '\(file.path)'
            COMP_LINE='cadencectl item '; COMP_POINT=${#COMP_LINE}
            COMP_WORDS=(cadencectl item ''); COMP_CWORD=2
            _cadencectl
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let result = try BinaryRunner.run(
            bash, ["-c", probe], environment: ["PATH": cadencectl.deletingLastPathComponent().path + ":/usr/bin:/bin"])
        let offered = Set(result.stdout.split(separator: "\n").map(String.init))
        for verb in [
            "add", "list", "show", "progress", "rectified", "verify", "close", "reject", "defer", "refer", "reopen",
        ] {
            #expect(offered.contains(verb), "bash does not offer \(verb): \(offered.sorted())")
        }
    }
}
