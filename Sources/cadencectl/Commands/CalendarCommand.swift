import CadenceConfiguration
import ArgumentParser
import CadenceCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `cadencectl calendar`: what `systemd-analyze calendar` answers, plus `--json`.
struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Show the normalized form and next elapses of calendar expressions.",
        discussion: """
            Expressions use systemd's OnCalendar= syntax (man systemd.time). Without a zone in the \
            expression, the local zone ($TZ, else the system's) applies, as in systemd.

            Exit status: 0 when every expression was accepted, 1 when one was rejected.

            Examples:
              cadencectl calendar quarterly
              cadencectl calendar --iterations=3 '*-*~01 17:00'
              cadencectl calendar --base-time='2026-12-31 23:00' --json 'Mon..Fri 09:00 Asia/Shanghai'
            """
    )

    @Option(
        name: .customLong("base-time"),
        help: ArgumentHelp(
            "Compute elapses after this time instead of now: '@SECONDS', 'YYYY-MM-DD[ HH:MM[:SS]][ ZONE]' "
                + "(local zone unless given), or ISO 8601 with 'Z' or an offset.",
            valueName: "TIME"))
    var baseTime: BaseTime?

    @Option(help: "How many elapses to show for each expression (1-1000).")
    var iterations = 1

    @Flag(help: "Print one JSON object per expression, with elapses in UTC.")
    var json = false

    @Argument(help: "Calendar expressions, e.g. 'quarterly' or 'Mon..Fri *-*-* 09:00'.")
    var expressions: [String]

    func validate() throws {
        guard (1...1000).contains(iterations) else {
            throw ValidationError("--iterations must be between 1 and 1000, got \(iterations)")
        }
    }

    func run() throws {
        let localZone = LocalZone.current
        let now = Date()
        let base = baseTime?.date ?? now
        var failed = false
        var blocks: [String] = []
        for text in expressions {
            let expression: CalendarExpression
            do {
                expression = try CalendarExpression(text, zones: .system)
            } catch let error as CalendarExpressionError {
                failed = true
                printError("Failed to parse calendar expression '\(text)': \(error)")
                if let position = error.position {
                    let caret = String(repeating: " ", count: max(0, position - 1)) + "^"
                    FileHandle.standardError.write(Data("    \(text)\n    \(caret)\n".utf8))
                }
                continue
            }
            var elapses: [Date] = []
            var after = base
            while elapses.count < iterations, let next = expression.nextElapse(after: after, localZone: localZone) {
                elapses.append(next)
                after = next
            }
            if json {
                print(CalendarJSON.object(text: text, expression: expression, elapses: elapses))
            } else {
                blocks.append(
                    CalendarTable.block(text: text, expression: expression, elapses: elapses, now: now, zone: localZone)
                )
            }
        }
        if !json && !blocks.isEmpty { print(blocks.joined(separator: "\n\n")) }
        if failed { throw ExitCode(1) }
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data(("cadencectl: " + message + "\n").utf8))
}

/// Writes `data` to the file `output` (`-o`, atomically), or to standard output when nil.
/// - Throws: exit 73 (EX_CANTCREAT) with the reason when the file cannot be written.
func writeOutput(_ data: Data, to output: String?) throws {
    guard let output else { return FileHandle.standardOutput.write(data) }
    do {
        try data.write(to: URL(fileURLWithPath: output), options: .atomic)
    } catch {
        printError("cannot write '\(output)': \(error.localizedDescription)")
        throw ExitCode(73)  // EX_CANTCREAT
    }
}
