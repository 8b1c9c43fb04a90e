import ArgumentParser
import CadenceConfiguration

/// `cadencectl`: the command-line tool of cadenced.
@main
struct Cadencectl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cadencectl",
        abstract: "Inspect and control cadenced, the review-cadence daemon.",
        discussion: """
            calendar and list-cadences work without the daemon; the others talk to it over its \
            control socket (Varlink, io.cadenced.Ledger).

            Exit status: 0 done; 1 the daemon refused the request (the reason is printed); \
            3 no such item, unit or commitment; 64 usage error; 65 bad input file (every problem is \
            printed); 66 the file cannot be read; 69 the daemon cannot be reached (not running, no \
            socket); 70 the connection was lost or the reply not understood (the daemon stopped \
            mid-call: try again); 73 an output file cannot be written; 77 permission denied (not in \
            group cadenced, or not allowed to change the ledger).

            Examples:
              cadencectl calendar quarterly
              cadencectl calendar --iterations=5 --json 'Mon..Fri *-*-* 09:00 Asia/Shanghai'
              cadencectl list-cadences --config-dir etc/cadenced
              cadencectl units add county-a --name '示例县卫生局' --kind county-bureau --parent city
              cadencectl item add --unit county-a --title '值班制度未落实' --deadline +10wd
              cadencectl overdue --json
              cadencectl import items 整改台账.csv --dry-run
            """,
        version: CadenceVersion.string,
        subcommands: [
            StatusCommand.self, UnitsCommand.self, RoleCommand.self, CommitmentCommand.self, ReviewCommand.self,
            ReportCommand.self, PlanCommand.self, ItemCommand.self, OverdueCommand.self, NoticesCommand.self,
            ImportCommand.self,
            ExportCommand.self, EvaluateCommand.self, LedgerCommand.self, HistoryCommand.self, PersonCommand.self,
            DeliveriesCommand.self, BackupCommand.self,
            NotifyCommand.self,
            CalendarCommand.self,
            ListCadencesCommand.self,
        ]
    )
}
