import CadenceCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A receiver that is a command of the office's (`Channel=exec`, `Exec=`): each message is one
/// run, the message as one JSON object on its standard input. Exit status 0 is sent; 75
/// (EX_TEMPFAIL, as sendmail's) or a run that does not finish within its timeout is tried again
/// later; any other status is a refusal, its last line on standard error the reason.
enum CommandDelivery {
    /// The JSON object a command reads: the message as the outbox has it.
    static func input(_ message: [String: Any]) -> [UInt8] {
        var object: [String: Any] = [:]
        for key in ["messageKey", "notice", "kind", "subject", "body", "priority", "emitted", "attempts", "mentions"] {
            object[key] = message[key]
        }
        object["recipient"] = message["personName"] ?? message["address"]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Array(data) + [0x0A]
    }

    static func run(_ command: [String], input: [UInt8], timeout: Duration) -> (DeliveryOutcome, String?) {
        guard let program = command.first else { return (.permanent, "Exec= is empty") }
        // Standard input and error are files, not pipes: a command that reads nothing, or writes
        // much, cannot block on a full pipe.
        let stem = NSTemporaryDirectory() + "/cadenced-deliver-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let (inPath, errPath) = (stem + ".json", stem + ".err")
        defer {
            unlink(inPath)
            unlink(errPath)
        }
        let inFD = open(inPath, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        let errFD = open(errPath, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        defer {
            if inFD >= 0 { close(inFD) }
            if errFD >= 0 { close(errFD) }
        }
        guard inFD >= 0, errFD >= 0, input.withUnsafeBytes({ write(inFD, $0.baseAddress, $0.count) }) == input.count,
            lseek(inFD, 0, SEEK_SET) == 0
        else { return (.temporary, "cannot make the command's input: \(String(cString: strerror(errno)))") }
        // Its own process group, so that a timeout stops all of it. Our other descriptors are
        // close-on-exec (the control socket, these files).
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_adddup2(&actions, inFD, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, errFD, 2)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        var pid: pid_t = 0
        let argv = command.map { strdup($0) } + [nil]
        defer { for word in argv { free(word) } }
        let spawned = posix_spawn(&pid, program, &actions, &attributes, argv, environ)
        guard spawned == 0 else {
            return (.permanent, "the command \(program) cannot be started: \(String(cString: strerror(spawned)))")
        }
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        while true {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { break }
            if done < 0 && errno != EINTR { return (.temporary, "waiting for the command \(program) failed") }
            if ContinuousClock.now >= deadline {
                kill(-pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                return (
                    .temporary, "the command \(program) did not finish within \(timeout.components.seconds) s; stopped"
                )
            }
            usleep(5_000)
        }
        let said =
            (try? String(contentsOfFile: errPath, encoding: .utf8))?
            .split(whereSeparator: \.isNewline).last.map { String($0.prefix(300)) }
        let because = said.map { ": \($0)" } ?? ""
        let signal = status & 0x7f
        if signal != 0 {
            return (.temporary, "the command \(program) was killed by signal \(signal)\(because)")
        }
        switch (status >> 8) & 0xff {
        case 0: return (.sent, nil)
        case 75: return (.temporary, "the command \(program) asks to try again later (exit 75)\(because)")
        case let code: return (.permanent, "the command \(program) exited with status \(code)\(because)")
        }
    }
}
