import ArgumentParser
import CadenceDaemon

/// `cadencectl`: the command-line tool of cadenced.
@main
struct Cadencectl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cadencectl",
        abstract: "Inspect and control cadenced, the review-cadence daemon.",
        discussion: """
            Read-only commands (calendar, list-cadences) work without the daemon.

            Examples:
              cadencectl calendar quarterly
              cadencectl calendar --iterations=5 --json 'Mon..Fri *-*-* 09:00 Asia/Shanghai'
              cadencectl list-cadences --config-dir etc/cadenced
            """,
        version: CadenceVersion.string,
        subcommands: [CalendarCommand.self]
    )
}
