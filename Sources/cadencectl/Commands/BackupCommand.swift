import ArgumentParser
import CadenceControl
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `cadencectl backup FILE`: an online copy of the whole ledger, written where the caller says.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the whole ledger into a file while the daemon runs.",
        discussion: """
            The daemon makes a consistent copy (SQLite's backup API: one moment of the ledger, while \
            notices go on being written), checks it, and cadencectl writes it to FILE, readable by \
            its owner only (it holds people's names and contacts). An existing FILE is replaced only \
            once the whole copy has arrived. Root and members of AdminGroup= may back up.

            To restore, on the server: stop the daemon, put FILE in place of the ledger (owned by \
            user cadenced), delete the old ledger's -wal and -shm files, start it again. Notices \
            sent before the backup are not sent again; those that fell due since are caught up as \
            after any stop (within CatchUpWindowSec=).

            Examples:
              cadencectl backup /srv/backup/ledger-$(date +%F).sqlite
              systemctl stop cadenced
              rm -f /var/lib/cadenced/ledger.sqlite-wal /var/lib/cadenced/ledger.sqlite-shm
              install -o cadenced -g cadenced -m 0640 ledger-2026-12-07.sqlite /var/lib/cadenced/ledger.sqlite
              systemctl start cadenced
            """)

    @OptionGroup var socket: SocketOptions
    @Argument(help: ArgumentHelp("The file to write: an SQLite database.", valueName: "FILE")) var file: String

    func run() throws {
        // Beside the target, so that the last step is a rename on one file system.
        let partial = file + ".part"
        let fd = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            printError("cannot write '\(partial)': \(String(cString: strerror(errno)))")
            throw ExitCode(73)  // EX_CANTCREAT
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        var offset = 0
        let taken: [String: Any]
        do {
            // Asked for once the file can be written: a copy nobody can take waits an hour.
            taken = try socket.call(BackupCall())
            guard let name = taken["backup"] as? String, let size = taken["size"] as? Int else {
                printError("the daemon's answer to Backup is not understood")
                throw ExitCode(70)  // EX_SOFTWARE
            }
            while offset < size {
                let part = try socket.call(ReadBackupCall { ($0.backup, $0.offset) = (name, Int64(offset)) })
                guard let text = part["data"] as? String, let data = Data(base64Encoded: text), !data.isEmpty else {
                    printError("the daemon sent no data at byte \(offset) of \(size); nothing was written")
                    throw ExitCode(70)
                }
                try write(data, to: handle, partial)
                offset += data.count
            }
            guard fsync(fd) == 0, rename(partial, file) == 0 else {
                printError("cannot write '\(file)': \(String(cString: strerror(errno)))")
                throw ExitCode(73)
            }
        } catch {
            unlink(partial)
            throw error
        }
        let size = taken["size"] as? Int ?? offset
        let items = taken["items"] as? Int ?? 0
        let notices = taken["notices"] as? Int ?? 0
        let when = (taken["takenAt"] as? String).flatMap(localTime) ?? ""
        print(
            "Backed up the ledger as of \(when) to \(file): \(items) items, \(notices) notices, "
                + Self.bytes(size) + ".")
    }

    private func write(_ data: Data, to handle: FileHandle, _ path: String) throws {
        do {
            try handle.write(contentsOf: data)
        } catch {
            printError("cannot write '\(path)': \(error.localizedDescription)")
            throw ExitCode(73)
        }
    }

    /// A size as people read it: `812 KB`, `31.4 MB`.
    static func bytes(_ count: Int) -> String {
        if count < 1_000_000 { return "\(max(1, count / 1000)) KB" }
        return String(format: "%.1f MB", Double(count) / 1_000_000)
    }
}
