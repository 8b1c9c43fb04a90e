import ArgumentParser
import CadenceDaemon

/// `cadencectl`: the command-line tool of cadenced.
@main
struct Cadencectl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cadencectl",
        abstract: "Inspect and control cadenced, the review-cadence daemon.",
        discussion: """
            calendar and list-cadences work without the daemon; the others talk to it over its
            control socket (Varlink, io.cadenced.Ledger).

            Exit status: 0 done; 1 the daemon refused the request (the reason is printed);
            3 no such item; 64 usage error; 69 the daemon cannot be reached; 77 permission denied.

            Examples:
              cadencectl calendar quarterly
              cadencectl calendar --iterations=5 --json 'Mon..Fri *-*-* 09:00 Asia/Shanghai'
              cadencectl list-cadences --config-dir etc/cadenced
            """,
        version: CadenceVersion.string,
        subcommands: [
            StatusCommand.self, ItemCommand.self, OverdueCommand.self, HistoryCommand.self, CalendarCommand.self,
            ListCadencesCommand.self,
        ]
    )
}
