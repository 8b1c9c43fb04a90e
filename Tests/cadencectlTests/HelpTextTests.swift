import Foundation
import Testing

/// What `cadencectl` says before it talks to the daemon: help wrapped to the terminal, choices
/// listed by the parser, bad values refused with exit 64 before any call.
@Suite("cadencectl help and typed options")
struct HelpTextTests {
    private func ctl(_ arguments: [String], columns: Int = 80) throws -> BinaryRunner.Result {
        let cli = try #require(BinaryRunner.executable("cadencectl"))
        // A socket path where nothing listens: a call that went out would exit 69, not 64.
        return try BinaryRunner.run(
            cli, arguments, environment: ["COLUMNS": "\(columns)", "CADENCED_SOCKET": "/nonexistent/io.cadenced"])
    }

    @Test("Help paragraphs are wrapped by the parser to the terminal's width, not at fixed places")
    func helpFollowsTheTerminal() throws {
        let wide = try ctl(["--help"], columns: 200)
        #expect(wide.status == 0)
        #expect(
            wide.stdout.contains(
                "calendar and list-cadences work without the daemon; the others talk to it over its control socket"),
            "\(wide.stdout)")
        let narrow = try ctl(["item", "--help"], columns: 60)
        for line in narrow.stdout.split(separator: "\n") where !line.hasPrefix("  cadencectl") {
            #expect(line.count <= 60, "wider than the terminal: '\(line)'")
        }
    }

    // Bad input tried: a state, a unit kind, a role, a source, a scope, a priority, a commitment
    // status, a review form and a report variant that do not exist.
    @Test(
        "A value outside a vocabulary exits 64 naming the choices, before any call to the daemon",
        arguments: [
            (["item", "list", "--state", "finished"], "in-progress"),
            (["units", "add", "u1", "--name", "U", "--kind", "ministry"], "county-bureau"),
            (["role", "assign", "county-a", "boss", "Someone"], "contact-leader"),
            (["item", "add", "--unit", "u", "--title", "t", "--deadline", "+5", "--source", "rumour"], "complaint"),
            (["item", "add", "--unit", "u", "--title", "t", "--deadline", "+5", "--scope", "world"], "department"),
            (["item", "add", "--unit", "u", "--title", "t", "--deadline", "+5", "--urgency", "max"], "normal"),
            (["commitment", "fulfil", "3", "done"], "unfulfilled"),
            (["review", "record", "county-a", "--form", "party"], "plenary"),
            (["evaluate", "--variant", "weekly"], "ledger-call-in"),
        ])
    func badChoiceIsAUsageError(arguments: [String], choice: String) throws {
        let result = try ctl(arguments)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(choice), "\(result.stderr)")
        #expect(!result.stderr.contains("cannot reach cadenced"), "\(result.stderr)")
    }

    @Test("No internal rule numbers in what users read")
    func noRuleNumbers() throws {
        for command in [["--help"], ["item", "--help"], ["evaluate", "--help"], ["review", "record", "--help"]] {
            let help = try ctl(command, columns: 200)
            #expect(help.stdout.range(of: #"\bR[0-9]{1,2}\b"#, options: .regularExpression) == nil, "\(help.stdout)")
        }
    }
}
