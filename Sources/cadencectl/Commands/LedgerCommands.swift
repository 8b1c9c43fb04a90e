import CadenceConfiguration
import ArgumentParser
import CadenceControl
import CadenceCore
import Foundation

/// Where `cadencectl` finds the daemon.
struct SocketOptions: ParsableArguments {
    @Option(
        name: .customLong("socket"),
        help: ArgumentHelp(
            "The control socket (default: $CADENCED_SOCKET, else \(LedgerInterface.socketPath)).", valueName: "PATH"))
    var socket: String?

    @Option(
        name: .customLong("timeout"),
        help: ArgumentHelp(
            "Seconds to wait for the daemon's answer (default \(VarlinkClient.defaultTimeout.components.seconds); "
                + "0 waits for ever).", valueName: "SECONDS"))
    var timeoutSeconds: Int?

    mutating func validate() throws {
        if let timeoutSeconds, timeoutSeconds < 0 {
            throw ValidationError("--timeout must be 0 (wait for ever) or a number of seconds, not \(timeoutSeconds)")
        }
    }

    /// How long a call waits for its answer.
    var timeout: Duration? {
        guard let timeoutSeconds else { return VarlinkClient.defaultTimeout }
        return timeoutSeconds == 0 ? nil : .seconds(timeoutSeconds)
    }

    /// A client for one call.
    func client() throws -> VarlinkClient { try VarlinkClient(path: path, timeout: timeout) }

    var path: String {
        socket ?? ProcessInfo.processInfo.environment["CADENCED_SOCKET"] ?? LedgerInterface.socketPath
    }

    /// Calls the daemon; failures become messages and exit codes a script can test.
    func call<Call: LedgerCall>(_ call: Call) throws -> [String: Any] {
        let json = call.json()
        DisplayZone.socket = path
        let reply = try failures(Self.object(json)) {
            try client().call(call)
        }
        if Call.self == GetStatusCall.self, let zone = (reply["status"] as? [String: Any])?["timeZone"] as? String {
            DisplayZone.set(identifier: zone)
        }
        return reply
    }

    /// A call's parameters as an object, for the hint after a refusal.
    private static func object(_ json: RawJSON) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(json.bytes))) as? [String: Any] ?? [:]
    }

    /// Calls the daemon and prints the elements of the reply's list `key` one JSON object per
    /// line, as they arrive (no parsing: a listing of 10,000 items goes straight through).
    func printJSONLines<Call: LedgerCall>(_ call: Call, key: String) throws {
        DisplayZone.socket = path
        printElements(of: try failures { try client().callRaw(call) }, key: key)
    }

    private func printElements(of reply: [UInt8], key: String) {
        guard let parameters = JSONScan.valueStart(of: "parameters", inObjectAt: 0, of: reply),
            let list = JSONScan.valueStart(of: key, inObjectAt: parameters, of: reply)
        else { return }
        var out: [UInt8] = []
        out.reserveCapacity(reply.count + 1024)
        for element in JSONScan.elements(ofArrayAt: list, of: reply) {
            out.append(contentsOf: reply[element])
            out.append(0x0A)
        }
        FileHandle.standardOutput.write(Data(out))
    }

    private func failures<T>(_ parameters: [String: Any] = [:], _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as VarlinkClient.Failure {
            printError("\(failure)")
            if case .error(let name, let details) = failure, name == LedgerInterface.name + ".Refused",
                let hint = Refusal.hint(details, call: parameters)
            {
                printError(hint)
            }
            switch failure {
            case .cannotConnect: throw ExitCode(69)  // EX_UNAVAILABLE
            case .permissionDenied: throw ExitCode(77)  // EX_NOPERM
            case .error(let name, _) where name.hasSuffix("PermissionDenied"): throw ExitCode(77)  // EX_NOPERM
            case .timedOut: throw ExitCode(75)  // EX_TEMPFAIL
            case .connectionLost, .badReply: throw ExitCode(70)  // EX_SOFTWARE
            case .error(let name, _)
            where name.hasSuffix("NoSuchItem") || name.hasSuffix("NoSuchUnit") || name.hasSuffix("NotFound"):
                throw ExitCode(3)
            case .error: throw ExitCode(1)
            }
        }
    }
}

/// What to do about a refusal of the item's lifecycle, in this command's words.
enum Refusal {
    /// The options of `cadencectl item …` that give each parameter of a transition.
    static let options = [
        "note": "--reason", "plan": "--plan", "explanation": "--explanation", "referredTo": "--to", "by": "--by",
    ]

    static func hint(_ refusal: [String: String], call: [String: Any]) -> String? {
        let item = refusal["item"] ?? "\(call["id"] ?? "")"
        let action = call["action"] as? String ?? "verify"
        switch refusal["code"] {
        case "wrong-state" where action == "verify" && refusal["state"] != ItemState.closed.rawValue:
            return "Mark it rectified first: cadencectl item rectified \(item)"
        case "wrong-state":
            return "See where it stands: cadencectl item show \(item)"
        case "missing" where refusal["parameter"] == "reply":
            return "Record the reply first: cadencectl item reply \(item) '…'"
        case "missing":
            guard let parameter = refusal["parameter"] else { return nil }
            let option = parameter == "deadline" ? (action == "defer" ? "--until" : "--deadline") : options[parameter]
            return option.map { "Give it with \($0)." }
        case "not-in-future":
            return "Give a date after today with \(action == "defer" ? "--until" : "--deadline")."
        case "role-vacant":
            return "Assign the role first (cadencectl role assign), or name the person with --by."
        default:
            return nil
        }
    }
}

/// JSON text of a reply value, keys sorted, for `--json`.
func jsonLine(_ object: Any) -> String { JSONWriter.string(object) }

/// `cadencectl status`.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the daemon's state: next cadence, items, overdue, notices.")

    @OptionGroup var socket: SocketOptions
    @Flag(help: "Print the status as one JSON object.") var json = false

    func run() throws {
        let status = try socket.call(GetStatusCall())["status"] as? [String: Any] ?? [:]
        if json {
            print(jsonLine(status))
            return
        }
        let next = (status["nextCadence"] as? String).map { cadence in
            let at = status["nextCadenceAt"] as? String
            return "\(cadence) at \(at.flatMap(localTime) ?? at ?? "?")"
        }
        let rows: [(String, String)] = [
            ("Version", "\(status["version"] ?? "?")"), ("Time zone", "\(status["timeZone"] ?? "?")"),
            ("Next cadence", next ?? "none"), ("Items", "\(status["items"] ?? 0) (\(status["openItems"] ?? 0) open)"),
            ("Overdue", "\(status["overdue"] ?? 0)"),
            ("Notices", "\(status["notices"] ?? 0) (\(status["undelivered"] ?? 0) waiting for delivery)"),
        ]
        for (name, value) in rows { print(name.padding(toLength: 13, withPad: " ", startingAt: 0) + value) }
    }
}

/// `cadencectl overdue`: open items past their deadline.
struct OverdueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overdue", abstract: "List open items past their deadline.")
    @OptionGroup var socket: SocketOptions
    @Option(help: "At most this many (1-1000000).") var limit = 100_000
    @Flag(help: "Print one JSON object per item.") var json = false

    func run() throws {
        let call = ListItemsCall { ($0.overdueOnly, $0.limit) = (true, limit) }
        if json { return try socket.printJSONLines(call, key: "items") }
        let reply = try socket.call(call)
        let items = reply["items"] as? [[String: Any]] ?? []
        var table = TextTable(header: ["ID", "UNIT", "DEADLINE", "DAYS", "LEVEL", "FIRST", "MAIN", "DIRECT", "TITLE"])
        for item in items.map(typedDates) {
            func person(_ role: String) -> String {
                item[role + "Person"] as? String ?? (item[role] as? String).flatMap { $0.hasPrefix("@") ? nil : $0 }
                    ?? ""
            }
            table.rows.append([
                "\(item["id"] ?? "?")", item["unit"] as? String ?? "", item["deadline"].map(display) ?? "",
                (item["overdueDays"] as? Int).map(String.init) ?? "",
                Self.level(item["stages"] as? [String] ?? [], round: item["round"] as? Int ?? 0), person("first"),
                person("main"), person("direct"), item["title"] as? String ?? "",
            ])
        }
        print(table.render())
        print("\n\(items.count) of \(reply["total"] ?? items.count) overdue items.")
    }

    /// How far an overdue item has escalated, in words: its highest step of the current round
    /// (`stages` are that round's, `round` counts from 0).
    static func level(_ stages: [String], round: Int) -> String {
        let levels = stages.compactMap { ItemStage.parse(stored: $0) }.compactMap { step -> EscalationLevel? in
            if case .escalation(let level) = step.stage { return level }
            return nil
        }
        guard let highest = levels.max() else { return "overdue" }
        return ItemCommand.stageWords(ItemStage.escalation(highest).stored(round: round))
    }
}

/// The zone dates are shown in: the daemon's `TimeZone=` (asked once, with GetStatus, when a
/// table first shows an instant), as in its notices; this machine's only when the daemon cannot say.
enum DisplayZone {
    nonisolated(unsafe) static var socket: String?
    /// The zone's abbreviations by UTC offset (and daylight saving time): asking ICU for each row
    /// cost a listing of thousands of items most of its time.
    nonisolated(unsafe) private static var abbreviations: [String: String] = [:]

    /// `zone`'s abbreviation at `instant` ("CST", "GMT+8"), or "".
    static func abbreviation(_ zone: TimeZone, at instant: Date) -> String {
        let key = "\(zone.identifier) \(zone.secondsFromGMT(for: instant)) \(zone.isDaylightSavingTime(for: instant))"
        if let known = abbreviations[key] { return known }
        let abbreviation = zone.abbreviation(for: instant) ?? ""
        abbreviations[key] = abbreviation
        return abbreviation
    }
    nonisolated(unsafe) private static var resolved: TimeZone?

    static func set(identifier: String) {
        resolved = TimeZone(identifier: identifier) ?? resolved
    }

    static var current: TimeZone {
        if let resolved { return resolved }
        if let socket,
            let reply = try? VarlinkClient(path: socket).call(GetStatusCall()),
            let identifier = (reply["status"] as? [String: Any])?["timeZone"] as? String,
            let zone = TimeZone(identifier: identifier)
        {
            resolved = zone
            return zone
        }
        resolved = LocalZone.current
        return resolved!
    }
}

/// An instant of a reply (`2026-12-01T01:00:00Z`) as people read it: date and time in the
/// daemon's zone (``DisplayZone``), e.g. `2026-12-01 09:00 CST`; `--json` keeps UTC.
func localTime(_ text: String) -> String? {
    guard text.utf8.count == 20, text.hasSuffix("Z"), let instant = ISOTimestamp.parse(text) else { return nil }
    let zone = DisplayZone.current
    let local = instant.addingTimeInterval(TimeInterval(zone.secondsFromGMT(for: instant)))
    let utc = ISOTimestamp.utc(local)
    let abbreviation = DisplayZone.abbreviation(zone, at: instant)
    return String(utc.prefix(10)) + " " + String(utc.dropFirst(11).prefix(5))
        + (abbreviation.isEmpty ? "" : " " + abbreviation)
}

/// A reply value for people: lists joined, booleans as yes/no, instants in local time.
func display(_ value: Any) -> String {
    if let text = value as? String, let local = localTime(text) { return local }
    if let list = value as? [String] { return list.isEmpty ? "-" : list.joined(separator: ", ") }
    if let number = value as? NSNumber, String(cString: number.objCType) == "c" {
        return number.boolValue ? "yes" : "no"
    }
    if let flag = value as? Bool, !(value is Int) { return flag ? "yes" : "no" }
    return "\(value)"
}

func printItems(_ reply: [String: Any], json: Bool) {
    let items = reply["items"] as? [[String: Any]] ?? []
    if json {
        for item in items { print(jsonLine(item)) }
        return
    }
    var table = TextTable(header: ["ID", "UNIT", "DEADLINE", "STATE", "TITLE"])
    for item in items.map(typedDates) {
        let state = (item["state"] as? String ?? "?") + ((item["overdue"] as? Bool ?? false) ? ", overdue" : "")
        table.rows.append([
            "\(item["id"] ?? "?")", item["unit"] as? String ?? "", item["deadline"].map(display) ?? "", state,
            item["title"] as? String ?? "",
        ])
    }
    print(table.render())
    print("\n\(items.count) of \(reply["total"] ?? items.count) items.")
}

/// `cadencectl history`: the append-only record of changes.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Show who changed the ledger, when, and what (oldest first).")
    @OptionGroup var socket: SocketOptions
    @Option(help: "The newest this many entries (1-1000000).") var limit = 1000
    @Flag(help: "Print one JSON object per entry.") var json = false
    @Flag(help: "Mask the people named (孙三 → 孙*), for a copy that leaves the office.") var mask = false

    func run() throws {
        var entries = try socket.call(ListHistoryCall { $0.limit = limit })["entries"] as? [[String: Any]] ?? []
        if mask { entries = entries.map(PersonMask.masked) }
        if json {
            for entry in entries { print(jsonLine(entry)) }
            return
        }
        var table = TextTable(header: ["WHEN", "USER", "ACTION", "ITEM", "DETAILS"])
        for entry in entries {
            table.rows.append([
                (entry["at"] as? String).map(display) ?? "", "\(entry["user"] ?? "?") (\(entry["uid"] ?? "?"))",
                entry["action"] as? String ?? "", entry["item"].map { "#\($0)" } ?? "-",
                Self.readable(entry["details"] as? String ?? ""),
            ])
        }
        print(table.render())
    }

    /// A history entry's details as a person reads them: `reason: 错字; title: 甲 → 乙`, the
    /// reason first, one line (`--json` keeps the object).
    static func readable(_ details: String) -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(details.utf8))) as? [String: Any],
            !object.isEmpty
        else { return details }
        let keys = object.keys.sorted { ($0 == "reason" ? 0 : 1, $0) < ($1 == "reason" ? 0 : 1, $1) }
        return keys.map { key in
            let value = object[key].map { "\($0)" } ?? ""
            return "\(key): " + value.replacingOccurrences(of: "\n", with: " ")
        }.joined(separator: "; ")
    }
}
