import CadenceConfiguration
import Foundation

/// `systemd-analyze calendar` as an oracle: the installed systemd's own parser, normalizer and elapse search.
///
/// One invocation takes many expressions, one base time and one `TZ`, so callers batch every expression that
/// shares a zone and a base. systemd-analyze prints, for each argument, a block of `name: value` lines (nothing
/// for a rejected argument) and one newline between arguments, so the output splits back into exactly one
/// (possibly empty) block per argument. An empty block whose rejection is not confirmed on stderr is asked again
/// on its own, so a surprise in the output format costs time, never a wrong mapping.
struct SystemdAnalyze: Sendable {
    /// What systemd answered for one expression.
    enum Verdict: Sendable, Equatable, CustomStringConvertible {
        /// "Failed to parse calendar specification".
        case rejected
        /// Parsed; `elapses` are whole UTC seconds since the epoch, fewer than asked for when it stops elapsing.
        case accepted(normalized: String, elapses: [Int64])
        /// Parsed, but systemd-analyze failed otherwise (for example "Failed to determine next elapse").
        case failed(String)

        var description: String {
            switch self {
            case .rejected: "rejected"
            case .accepted(let normalized, let elapses):
                "'\(normalized)' → [\(elapses.map(OracleTime.format(seconds:)).joined(separator: ", "))]"
            case .failed(let message): "failed: \(message)"
            }
        }
    }

    /// Everything that went wrong while running or reading systemd-analyze itself.
    struct OracleError: Error, CustomStringConvertible {
        var description: String
    }

    /// The systemd-analyze binary, or nil when this machine has none.
    static let executable: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin", "/usr/local/bin"]
        for directory in directories {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent("systemd-analyze")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }()

    /// True when systemd-analyze exists and answers `calendar` the way this harness expects.
    static let isAvailable: Bool = {
        guard let executable else { return false }
        let oracle = SystemdAnalyze(executable: executable)
        let probe = try? oracle.calendar(["daily"], zone: "UTC", baseMicros: 0, iterations: 1)
        return probe == [.accepted(normalized: "*-*-* 00:00:00", elapses: [86_400])]
    }()

    let executable: URL
    /// Expressions per invocation. 200 run in about 15 ms here (expressions naming a zone fork once per iteration,
    /// about 0.5 ms each); the limit only keeps command lines and outputs modest.
    var batchSize = 200

    /// systemd's verdicts for `expressions`, in order: `TZ=zone`, `--base-time=@base`, `--iterations=iterations`.
    func calendar(_ expressions: [String], zone: String, baseMicros: Int64, iterations: Int) throws -> [Verdict] {
        var verdicts: [Verdict] = []
        verdicts.reserveCapacity(expressions.count)
        var start = 0
        while start < expressions.count {
            let batch = Array(expressions[start..<min(start + batchSize, expressions.count)])
            verdicts += try runBatch(batch, zone: zone, baseMicros: baseMicros, iterations: iterations)
            start += batch.count
        }
        return verdicts
    }

    private func runBatch(_ batch: [String], zone: String, baseMicros: Int64, iterations: Int) throws -> [Verdict] {
        let output = try run(batch, zone: zone, baseMicros: baseMicros, iterations: iterations)
        let blocks = Self.splitBlocks(output.stdout)
        guard blocks.count == batch.count else {
            // The framing is not what we expect: ask for each expression alone.
            if batch.count == 1 {
                throw OracleError(
                    description: "systemd-analyze printed \(blocks.count) blocks for 1 expression "
                        + "'\(batch[0])': \(output.stdout) \(output.stderr)")
            }
            return try batch.flatMap { try runBatch([$0], zone: zone, baseMicros: baseMicros, iterations: iterations) }
        }
        var verdicts: [Verdict] = []
        for (expression, block) in zip(batch, blocks) {
            if !block.isEmpty {
                verdicts.append(try Self.parseBlock(block, expression: expression))
            } else if output.stderr.contains("Failed to parse calendar specification '\(expression)': ") {
                verdicts.append(.rejected)
            } else if batch.count == 1 {
                verdicts.append(.failed(output.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))
            } else {
                verdicts += try runBatch([expression], zone: zone, baseMicros: baseMicros, iterations: iterations)
            }
        }
        return verdicts
    }

    /// Splits stdout into one block of lines per argument: block, "\n", block, "\n", …, block.
    static func splitBlocks(_ stdout: String) -> [[String]] {
        var blocks: [[String]] = [[]]
        for line in stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty {
                blocks.append([])
            } else {
                blocks[blocks.count - 1].append(String(line))
            }
        }
        // Every block that printed anything ends in "\n", so the last split piece is always the empty tail.
        blocks.removeLast()
        return blocks
    }

    /// Reads one block: "Original form:" (optional), "Normalized form:", then per iteration a local line
    /// ("Next elapse:" or "Iter. #n:"), "(in UTC):" unless TZ is UTC, and "From now:".
    static func parseBlock(_ block: [String], expression: String) throws -> Verdict {
        var normalized: String?
        var elapses: [Int64] = []
        var never = false
        for rawLine in block {
            let line = rawLine.drop(while: { $0 == " " })
            guard let colon = line.firstIndex(of: ":") else {
                throw OracleError(description: "unexpected line for '\(expression)': \(rawLine)")
            }
            let name = String(line[..<colon])
            let value = String(line[line.index(after: colon)...].dropFirst())
            if name == "Original form" || name == "From now" {
                continue
            } else if name == "Normalized form" {
                normalized = value
            } else if name == "Next elapse" && value == "never" {
                never = true
            } else if name == "Next elapse" || name.hasPrefix("Iter. #") {
                // The local form; "(in UTC)" follows unless the zone is UTC, and then replaces it.
                elapses.append(try parseTimestamp(value, expression: expression, local: true))
            } else if name == "(in UTC)" {
                guard !elapses.isEmpty else {
                    throw OracleError(description: "'(in UTC)' before any elapse for '\(expression)'")
                }
                elapses[elapses.count - 1] = try parseTimestamp(value, expression: expression, local: false)
            } else {
                throw OracleError(description: "unexpected line for '\(expression)': \(rawLine)")
            }
        }
        guard let normalized else { throw OracleError(description: "no normalized form for '\(expression)'") }
        if never && !elapses.isEmpty { throw OracleError(description: "'never' and elapses for '\(expression)'") }
        return .accepted(normalized: normalized, elapses: elapses)
    }

    /// Parses "Thu 2026-01-01 12:00:00 UTC" into seconds since the epoch. A local form (TZ not UTC) is only a
    /// placeholder until its "(in UTC)" line arrives, so it is read without its zone.
    static func parseTimestamp(_ text: String, expression: String, local: Bool) throws -> Int64 {
        let parts = text.split(separator: " ")
        guard parts.count == 4, local || parts[3] == "UTC",
            let seconds = OracleTime.seconds(date: parts[1], time: parts[2])
        else { throw OracleError(description: "unreadable timestamp '\(text)' for '\(expression)'") }
        return seconds
    }

    private struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs systemd-analyze with stdout and stderr in temporary files (outputs can exceed a pipe's buffer).
    private func run(_ expressions: [String], zone: String, baseMicros: Int64, iterations: Int) throws -> Output {
        let directory = FileManager.default.temporaryDirectory
        let stem = "cadence-oracle-\(getpid())-\(UUID().uuidString)"
        let outURL = directory.appendingPathComponent(stem + ".out")
        let errURL = directory.appendingPathComponent(stem + ".err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = executable
        process.arguments =
            [
                "calendar", "--base-time=@\(OracleTime.formatBase(micros: baseMicros))", "--iterations=\(iterations)",
                "--",
            ] + expressions
        process.environment = [
            "TZ": zone, "LC_ALL": "C", "SYSTEMD_COLORS": "0", "SYSTEMD_PAGER": "", "PATH": "/usr/bin:/bin",
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()

        let stdout = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
        let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        return Output(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}

/// Instants as the oracle sees them: microseconds or whole seconds since the epoch, UTC, with no `Calendar`.
enum OracleTime {
    /// Microseconds since the epoch of `date`, rounded (a `Date` is a `Double` and may sit a hair off).
    static func micros(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// The whole second an instant falls in, which is what systemd-analyze prints.
    static func seconds(micros us: Int64) -> Int64 {
        us >= 0 ? us / 1_000_000 : -((-us + 999_999) / 1_000_000)
    }

    static func date(micros: Int64) -> Date {
        Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }

    /// `SECONDS.FFFFFF` for `--base-time=@…`.
    static func formatBase(micros: Int64) -> String {
        let fraction = String(micros % 1_000_000)
        return "\(micros / 1_000_000).\(String(repeating: "0", count: 6 - fraction.count))\(fraction)"
    }

    /// "YYYY-MM-DD" and "HH:MM:SS" as seconds since the epoch (UTC), or nil when malformed.
    static func seconds(date: some StringProtocol, time: some StringProtocol) -> Int64? {
        let ymd = date.split(separator: "-").compactMap { Int64($0) }
        let hms = time.split(separator: ":").compactMap { Int64($0) }
        guard ymd.count == 3, hms.count == 3 else { return nil }
        return days(year: ymd[0], month: ymd[1], day: ymd[2]) * 86_400 + hms[0] * 3_600 + hms[1] * 60 + hms[2]
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// "2026-01-01 12:00:00Z" for messages.
    static func format(seconds: Int64) -> String {
        let z = seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
        let rest = seconds - z * 86_400
        let shifted = z + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let doe = shifted - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(pad(month))-\(pad(day)) \(pad(rest / 3_600)):\(pad(rest / 60 % 60)):\(pad(rest % 60))Z"
    }

    /// A microsecond instant for messages: the whole second, plus the fraction when there is one.
    static func format(micros: Int64) -> String {
        let fraction = micros % 1_000_000
        guard fraction != 0 else { return format(seconds: micros / 1_000_000) }
        let digits = String(fraction)
        let text = String(repeating: "0", count: 6 - digits.count) + digits
        return format(seconds: micros / 1_000_000).dropLast() + "." + text + "Z"
    }
}
