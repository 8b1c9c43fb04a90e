import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// The write end of the pipe the signal handler writes each caught signal's number to.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// Async-signal-safe: one `write(2)`, errno kept for the interrupted code.
private func recordSignal(_ signalNumber: Int32) {
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: signalNumber)
    _ = write(signalPipeWriteEnd, &byte, 1)
    errno = saved
}

/// SIGHUP, SIGTERM and SIGINT caught by a handler that writes their number to a pipe, read on a
/// queue: a signal sent at any moment after ``catch()`` is kept until the queue reads it.
///
/// Dispatch signal sources were used before and lost signals: they need the signal ignored
/// (`SIG_IGN`) until they are registered, which happens only once the main queue runs, after the
/// start's catch-up (seconds on a large ledger); a SIGTERM in that time was dropped and the daemon
/// ran on (found by the crash campaign). Blocking the signals does not help: setting `SIG_IGN`
/// discards a pending one, and `dispatchMain()` unblocks every signal on the main thread.
enum SignalPipe {
    static let signals = [SIGHUP, SIGTERM, SIGINT]
    /// The read end, once ``catch()`` has run.
    nonisolated(unsafe) private(set) static var readEnd: Int32 = -1

    /// Installs the handler (once; later calls do nothing). Call first in `main`.
    static func `catch`() {
        guard readEnd < 0 else { return }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        readEnd = ends[0]
        signalPipeWriteEnd = ends[1]
        for signalNumber in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { recordSignal($0) }
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(signalNumber, &action, nil)
        }
    }

    /// The signals caught since the last call, in order.
    static func drain() -> [Int32] {
        var caught: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = read(readEnd, &buffer, buffer.count)
            guard count > 0 else { break }
            caught += buffer[..<count].map { Int32($0) }
        }
        return caught
    }
}
