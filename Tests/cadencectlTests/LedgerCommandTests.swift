import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

private let cadenced = CtlDaemon.cadenced
private let cadencectl = CtlDaemon.cadencectl
private let iconv = BinaryRunner.which("iconv")
private let setpriv = BinaryRunner.which("setpriv")

/// The shared daemon (CtlDaemon.swift), with what these tests ask of it.
extension CtlDaemon {
    fileprivate convenience init() throws { try self.init(name: "ctl") }

    /// Runs cadencectl and expects it to succeed; returns its standard output.
    @discardableResult
    fileprivate func ok(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try succeed(arguments, sourceLocation: sourceLocation).stdout
    }

    /// The number of history entries: every accepted change adds at least one, a refusal none.
    fileprivate func changes() throws -> Int { try lines(ok(["history", "--json", "--limit", "1000000"])).count }

    fileprivate func status() throws -> [String: Any] { try json(ok(["status", "--json"])) }
}

private func json(_ line: some StringProtocol) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(line.trimmingCharacters(in: .newlines).utf8)) as? [String: Any] ?? [:]
}

/// One JSON object per line, as every `--json` listing prints.
private func lines(_ text: String) throws -> [[String: Any]] {
    try text.split(separator: "\n").map { try json($0) }
}

/// Terminal columns of `text`: 2 for East Asian wide characters, 1 for the others (enough for
/// the texts of these tests; written here so that the check does not reuse the tool's own code).
private func displayWidth(_ text: some StringProtocol) -> Int {
    let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
        0xFFE0...0xFFE6, 0x20000...0x3FFFD,
    ]
    return text.unicodeScalars.reduce(0) { width, scalar in
        width + (wide.contains { $0.contains(scalar.value) } ? 2 : 1)
    }
}

/// Checks that in the table `text`, each row's cells (found left to right; empty ones skipped)
/// start at the same display column as the header's.
private func expectAligned(
    _ text: String, header: [String], rows: [[String]], sourceLocation: SourceLocation = #_sourceLocation
) {
    let tableLines = text.split(separator: "\n").map(String.init)
    func columns(_ cells: [String]) -> [Int?]? {
        guard let line = tableLines.first(where: { $0.hasPrefix(cells[0] + " ") }) else { return nil }
        var from = line.startIndex
        return cells.map { cell in
            guard !cell.isEmpty, let range = line.range(of: cell, range: from..<line.endIndex) else { return nil }
            from = range.upperBound
            return displayWidth(line[..<range.lowerBound])
        }
    }
    guard let expected = columns(header) else {
        Issue.record("no header line \(header) in:\n\(text)", sourceLocation: sourceLocation)
        return
    }
    for row in rows {
        guard let got = columns(row) else {
            Issue.record("no line for \(row) in:\n\(text)", sourceLocation: sourceLocation)
            continue
        }
        for (index, column) in got.enumerated() where column != nil {
            #expect(
                column == expected[index], "\(header[index]) of \(row[0]) starts at column \(column!):\n\(text)",
                sourceLocation: sourceLocation)
        }
    }
}

/// The current quarter and month in Asia/Shanghai, the daemon's zone.
private func periods() -> (year: Int, quarter: String, month: String) {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
    let parts = calendar.dateComponents([.year, .month], from: Date())
    let year = parts.year!
    let month = parts.month!
    return (year, "\(year)-Q\((month - 1) / 3 + 1)", "\(year)-" + (month < 10 ? "0\(month)" : "\(month)"))
}

@Suite(
    "cadencectl ledger verbs over the control socket", .serialized,
    .enabled(if: cadenced != nil && cadencectl != nil, "cadenced or cadencectl is not built"))
struct LedgerCommandTests {
    @Test("Units, roles and items through their lifecycle; overdue, notices, status and history follow")
    func lifecycle() throws {
        let daemon = try CtlDaemon()
        try daemon.ok(["units", "add", "city", "--name", "示例市卫生局", "--kind", "bureau"])
        try daemon.ok(["units", "add", "county-a", "--name", "示例县卫生局", "--kind", "county-bureau", "--parent", "city"])
        try daemon.ok(["units", "add", "unit-b", "--name", "Unit B", "--kind", "other", "--parent", "city"])
        #expect(
            try daemon.ok(["role", "assign", "county-a", "first", "Director Chen"])
                == "Director Chen is now first of county-a.\n")
        try daemon.ok(["role", "assign", "county-a", "direct", "Section Chief Zhao"])

        let item = try json(
            daemon.ok([
                "item", "add", "--unit", "county-a", "--title", "整改值班制度", "--deadline", "2099-01-31", "--direct",
                "@direct", "--json",
            ]))
        #expect(item["id"] as? Int == 1)
        #expect(item["unit"] as? String == "county-a")
        // A date deadline falls due at the end of that day in the configured zone (DeadlineTime=24:00).
        #expect(item["deadline"] as? String == "2099-01-31T16:00:00Z")
        // The first responsible person defaults to the unit's role first; roles resolve to their holders.
        #expect(item["first"] as? String == "@first" && item["firstPerson"] as? String == "Director Chen")
        #expect(item["direct"] as? String == "@direct" && item["directPerson"] as? String == "Section Chief Zhao")
        // unit-b has nobody in role first: the item names its first responsible person. It is
        // imported (an import takes deadlines already past): due in 2 s, or already past on a loaded
        // machine, it becomes overdue while the daemon runs either way; nothing races the clock.
        let soon = ISO8601DateFormatter().string(from: Date().addingTimeInterval(2))
        let row = try daemon.file(
            "soon.json",
            Data(#"[{"unit": "unit-b", "title": "Due soon", "deadline": "\#(soon)", "first": "Director Wu"}]"#.utf8))
        #expect(try daemon.ok(["import", "items", row]) == "Imported 1 items.\n")

        let list = try daemon.ok(["item", "list"])
        #expect(list.contains("整改值班制度"))
        #expect(list.contains("2 of 2 items."))
        let onlyB = try lines(daemon.ok(["item", "list", "--unit", "unit-b", "--json"]))
        #expect(onlyB.map { $0["title"] as? String } == ["Due soon"])
        #expect(onlyB.first?["firstPerson"] as? String == "Director Wu")

        // The second item falls due while the daemon runs: overdue at its instant, without any restart.
        var overdue: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(10)
        while overdue.isEmpty && Date() < deadline {
            usleep(200_000)
            overdue = try lines(daemon.ok(["overdue", "--json"]))
        }
        #expect(overdue.count == 1)
        let stages = overdue.first?["stages"] as? [String] ?? []
        #expect(stages.contains("overdue"))
        #expect(overdue.first?["overdueDays"] as? Int == 0)
        // The table says how late, how far escalated and who answers for it, not only --json.
        let overdueTable = try daemon.ok(["overdue"]).split(separator: "\n").map {
            $0.split(separator: " ").map(String.init)
        }
        #expect(overdueTable.first == ["ID", "UNIT", "DEADLINE", "DAYS", "LEVEL", "FIRST", "MAIN", "DIRECT", "TITLE"])
        #expect(
            overdueTable.dropFirst().first.map { Array($0.prefix(2)) + Array($0.suffix(6)) }
                == ["2", "unit-b", "0", "overdue", "Director", "Wu", "Due", "soon"], "\(overdueTable)")
        // item show says it in words, rounds counted from 1; --json keeps the codes (above).
        let shown = try daemon.ok(["item", "show", "2"])
        #expect(shown.contains("overdue") && !shown.contains("warn-"), "\(shown)")
        #expect(shown.split(separator: "\n").contains { $0.hasPrefix("Round") && $0.hasSuffix(" 1") }, "\(shown)")
        let notices = try lines(daemon.ok(["notices", "--kind", "overdue", "--json"]))
        #expect(notices.count == 1)
        #expect(notices.first?["item"] as? Int == 2 && notices.first?["unit"] as? String == "unit-b")
        let noticeTable = try daemon.ok(["notices"])
        #expect(noticeTable.contains("overdue") && noticeTable.contains("unit-b"), "\(noticeTable)")
        // --key prints the one notice whole, as the ledger keeps it (names unmasked).
        let key = try #require(notices.first?["key"] as? String)
        let whole = try daemon.ok(["notices", "--key", key])
        #expect(whole.hasPrefix((notices.first?["subject"] as? String ?? "?") + "\n\n"), "\(whole)")
        #expect(whole.contains("Director"), "the responsible person, by name: \(whole)")

        // Closing is verification: only after the item is claimed rectified.
        let early = try daemon.ctl(["item", "close", "2"])
        #expect(early.status == 1)
        #expect(early.stderr.contains("Mark it rectified first: cadencectl item rectified"), "\(early.stderr)")
        #expect(
            try daemon.ok(["item", "rectified", "2", "--note", "已整改"]) == "Marked rectified item #2 (now rectified).\n")
        #expect(try daemon.ok(["item", "close", "2"]) == "Verified and closed item #2 (now closed).\n")
        #expect(try daemon.ok(["overdue", "--json"]).isEmpty)
        let status = try daemon.status()
        #expect(status["items"] as? Int == 2)
        #expect(status["openItems"] as? Int == 1)
        #expect(status["overdue"] as? Int == 0)
        // Without --by, the verifier is the caller.
        let me = String(cString: getpwuid(getuid())!.pointee.pw_name)
        #expect(try json(daemon.ok(["item", "show", "2", "--json"]))["verifiedBy"] as? String == me)

        // Item 1 through every step.
        func step(_ arguments: [String]) throws -> [String: Any] { try json(daemon.ok(arguments + ["--json"])) }
        #expect(try step(["item", "progress", "1", "--note", "已制定方案"])["state"] as? String == "in-progress")
        let deferred = try step([
            "item", "defer", "1", "--until", "2099-06-30", "--plan", "列入明年预算", "--explanation", "需要资金",
        ])
        #expect(deferred["state"] as? String == "deferred" && deferred["round"] as? Int == 1)
        #expect(deferred["originalDeadline"] as? String == "2099-01-31T16:00:00Z")
        #expect(deferred["deadline"] as? String == "2099-06-30T16:00:00Z")
        #expect(try step(["item", "refer", "1", "--to", "示例市整改办"])["referredTo"] as? String == "示例市整改办")
        #expect(try step(["item", "progress", "1"])["state"] as? String == "in-progress")
        #expect(try step(["item", "rectified", "1"])["state"] as? String == "rectified")
        let byDirect = try daemon.ctl(["item", "verify", "1", "--by", "Section Chief Zhao"])
        #expect(byDirect.status == 1)
        #expect(byDirect.stderr.contains("is the direct responsible person of item #1"), "\(byDirect.stderr)")
        #expect(try step(["item", "reject", "1", "--reason", "台账不全"])["note"] as? String == "台账不全")
        try daemon.ok(["item", "rectified", "1"])
        let verified = try step(["item", "verify", "1", "--by", "Inspector Li", "--note", "验收合格"])
        #expect(verified["state"] as? String == "closed" && verified["verifiedBy"] as? String == "Inspector Li")
        let twice = try daemon.ctl(["item", "close", "1", "--by", "Inspector Li"])
        #expect(twice.status == 1 && twice.stderr.contains("item #1 is closed"), "\(twice.stderr)")
        let reopened = try step(["item", "reopen", "1", "--reason", "问题反弹", "--deadline", "2099-09-30"])
        #expect(reopened["state"] as? String == "reopened" && reopened["flagged"] as? Bool == true)
        let show = try daemon.ok(["item", "show", "1"])
        #expect(show.contains("First responsible   Director Chen"), "\(show)")
        #expect(show.contains("item.reopen") && show.contains("item.verify"), "\(show)")

        // The history names who did what, in order, with the caller's real user name.
        let history = try lines(daemon.ok(["history", "--json"]))
        #expect(
            history.map { $0["action"] as? String } == [
                "unit.add", "unit.add", "unit.add", "role.assign", "role.assign", "item.add", "item.import",
                "item.rectified", "item.verify", "item.progress", "item.defer", "item.refer", "item.progress",
                "item.rectified", "item.reject", "item.rectified", "item.verify", "item.reopen",
            ])
        #expect(history.allSatisfy { $0["user"] as? String == me && $0["uid"] as? Int == Int(getuid()) })
        #expect(history.last?["item"] as? Int == 1)
    }

    @Test("A leading group has several members at once; role end ends one; a single role still passes on")
    func memberRoles() throws {
        let daemon = try CtlDaemon()
        try daemon.ok(["units", "add", "city", "--name", "示例市卫生局", "--kind", "bureau"])
        for member in ["吴示例", "郑示例", "王示例"] {
            #expect(
                try daemon.ok(["role", "assign", "city", "group-member", member])
                    == "\(member) is now a group-member of city.\n")
        }
        try daemon.ok(["role", "assign", "city", "first", "陈示例"])
        try daemon.ok(["role", "assign", "city", "first", "林示例"])
        func current() throws -> [String] {
            try lines(daemon.ok(["role", "list", "city", "--json"])).map {
                "\($0["role"] ?? "") \($0["person"] ?? "")"
            }.sorted()
        }
        #expect(
            try current() == [
                "first 林示例", "group-member 吴示例", "group-member 王示例", "group-member 郑示例",
            ])
        // Bad input: the same member twice, ending a tenure nobody holds, an unknown role, no unit,
        // an item naming @group-member.
        let before = try daemon.changes()
        let twice = try daemon.ctl(["role", "assign", "city", "group-member", "吴示例"])
        #expect(twice.status == 1)
        #expect(twice.stderr.contains("吴示例 already holds group-member in 'city'"))
        let nobody = try daemon.ctl(["role", "end", "city", "group-member", "周示例"])
        #expect(nobody.status == 1)
        #expect(nobody.stderr.contains("周示例 does not hold group-member in 'city' (held by 吴示例, 郑示例, 王示例)"))
        #expect(try daemon.ctl(["role", "end", "city", "deputy", "吴示例"]).status == 64)
        let noUnit = try daemon.ctl(["role", "end", "nowhere", "group-member", "吴示例"])
        #expect(noUnit.status == 3)
        #expect(noUnit.stderr.contains("there is no unit 'nowhere'"))
        // An item cannot name a role several people hold as its responsible person.
        let several = try daemon.ctl([
            "item", "add", "--unit", "city", "--title", "T", "--deadline", "2099-01-01", "--direct", "@group-member",
        ])
        #expect(several.status == 1)
        #expect(several.stderr.contains("'@group-member' is a role several people hold; name one of them"))
        #expect(try daemon.changes() == before)

        #expect(
            try daemon.ok(["role", "end", "city", "group-member", "郑示例"])
                == "郑示例 no longer holds group-member in city.\n")
        #expect(try current() == ["first 林示例", "group-member 吴示例", "group-member 王示例"])
        // The tenure is kept, with its end; and who ended it is in the history.
        let all = try lines(daemon.ok(["role", "list", "city", "--all", "--json"]))
        let ended = try #require(all.first { $0["person"] as? String == "郑示例" })
        #expect(ended["until"] is String)
        #expect(all.filter { $0["role"] as? String == "first" }.count == 2)
        let history = try lines(daemon.ok(["history", "--json"]))
        #expect(history.contains { $0["action"] as? String == "role.end" && $0["unit"] as? String == "city" })
    }

    // Bad input tried: for each verb, what makes it a usage error (64: a non-numeric id, missing
    // options, a bad --encoding), names nothing known (3: unknown item, unit or commitment, as a
    // target or a filter), or is refused by the daemon (1: a deadline in the past or not a date, a
    // blank unit, no first responsible person, an unknown source, kind or role, a duplicate or
    // orphaned unit, removing a unit with sub-units or open items, a quarter review for a half-year,
    // a review by an unrelated unit, held in the future, month 13, an unknown status, verifying an
    // open item, reopening an open one, an unknown notice or import kind); an unreadable file (66);
    // an unreachable socket (69).
    @Test("Bad requests say what was wrong, exit with their code and change nothing")
    func badRequests() throws {
        let daemon = try CtlDaemon()
        try daemon.ok(["units", "add", "city", "--name", "示例市卫生局", "--kind", "bureau"])
        try daemon.ok(["units", "add", "county-a", "--name", "示例县卫生局", "--kind", "county-bureau", "--parent", "city"])
        try daemon.ok(["units", "add", "unit-b", "--name", "Unit B", "--kind", "other", "--parent", "city"])
        try daemon.ok(["role", "assign", "county-a", "first", "Director Chen"])
        try daemon.ok(["item", "add", "--unit", "county-a", "--title", "T", "--deadline", "2099-01-01"])
        try daemon.ok(["commitment", "add", "county-a", "全年开展义诊 12 次"])
        let before = try daemon.changes()
        let year = periods().year
        let noUnit = "there is no unit 'nowhere'"
        let cases: [([String], Int32, String)] = [
            (["item", "show", "seven"], 64, "seven"),
            (["units", "add", "x", "--kind", "other"], 64, "--name"),
            (["item", "defer", "1", "--until", "2099-06-30", "--plan", "p"], 64, "--explanation"),
            (["item", "refer", "1"], 64, "--to"),
            (["item", "reject", "1"], 64, "--reason"),
            (["import", "items", "f.csv", "--encoding", "latin9"], 64, "--encoding"),
            (["export", "items", "--encoding", "auto"], 64, "--encoding"),
            (["item", "show", "7"], 3, "there is no rectification item #7"),
            (["item", "close", "7"], 3, "there is no rectification item #7"),
            (["item", "rectified", "7"], 3, "there is no rectification item #7"),
            (["units", "show", "nowhere"], 3, noUnit),
            (["units", "remove", "nowhere"], 3, noUnit),
            (["role", "assign", "nowhere", "first", "Somebody"], 3, noUnit),
            (["role", "list", "nowhere"], 3, noUnit),
            (["item", "add", "--unit", "nowhere", "--title", "T", "--deadline", "2099-01-01"], 3, noUnit),
            (["item", "list", "--unit", "nowhere"], 3, noUnit),
            (["review", "record", "nowhere"], 3, noUnit),
            (["report", "submit", "nowhere", "报告"], 3, noUnit),
            (["commitment", "list", "--unit", "nowhere"], 3, noUnit),
            (["commitment", "fulfil", "99", "partial"], 3, "there is no commitment #99"),
            (["export", "items", "--unit", "nowhere"], 3, noUnit),
            (
                ["item", "add", "--unit", "county-a", "--title", "T", "--deadline", "2020-01-01"], 1,
                "is not in the future"
            ),
            (["item", "add", "--unit", "county-a", "--title", "T", "--deadline", "2027-02-30"], 1, "is not a date"),
            (["item", "add", "--unit", " ", "--title", "T", "--deadline", "2099-01-01"], 1, "unit: is empty"),
            (
                ["item", "add", "--unit", "unit-b", "--title", "T", "--deadline", "2099-01-01"], 1,
                "the first responsible person is missing"
            ),
            (
                [
                    "item", "add", "--unit", "county-a", "--title", "T", "--deadline", "2099-01-01", "--source",
                    "rumour",
                ],
                64, "The value 'rumour' is invalid for '--source <source>'"
            ),
            (["units", "add", "county-a", "--name", "Twin", "--kind", "other"], 1, "unit 'county-a' already exists"),
            (
                ["units", "add", "orphan", "--name", "Orphan", "--kind", "other", "--parent", "nowhere"], 1,
                "the parent unit 'nowhere' does not exist"
            ),
            (["units", "add", "k", "--name", "K", "--kind", "ministry"], 64, "The value 'ministry' is invalid"),
            (["units", "add", "a/b", "--name", "Slash", "--kind", "other"], 1, "'/'"),
            (["units", "remove", "city"], 1, "has 2 sub-units"),
            (["units", "remove", "county-a"], 1, "has 1 open items"),
            (["role", "assign", "county-a", "boss", "Somebody"], 64, "The value 'boss' is invalid"),
            (["role", "assign", "county-a", "first", "Director Chen"], 1, "already holds"),
            (["review", "record", "county-a", "--period", "\(year)-H2"], 1, "is not a quarter period"),
            (["review", "record", "county-a", "--by", "unit-b"], 1, "give --override"),
            (["review", "record", "county-a", "--held", "2099-01-01"], 1, "heldOn: 2099-01-01 is in the future"),
            (
                ["review", "record", "county-a", "--kind", "audit"], 64,
                "The value 'audit' is invalid for '--kind <kind>'"
            ),
            (["review", "record", "county-a", "--held", "2027-02-30"], 64, "The value '2027-02-30' is invalid"),
            (
                ["commitment", "add", "county-a", "诺", "--published", "yesterday"], 64,
                "The value 'yesterday' is invalid"
            ),
            (["report", "submit", "county-a", "报告", "--month", "\(year)-13"], 1, "is not a month"),
            (["report", "quota", "--month", "\(year)-Q1"], 1, "is not a month"),
            (["commitment", "fulfil", "1", "done"], 64, "The value 'done' is invalid"),
            (["item", "verify", "1", "--by", "Inspector Li"], 1, "Mark it rectified first"),
            (
                ["item", "reopen", "1", "--reason", "again", "--deadline", "2099-09-30"], 1,
                "only to an item that is closed"
            ),
            (["item", "list", "--state", "done"], 64, "The value 'done' is invalid for '--state <state>'"),
            (["notices", "--kind", "panic"], 64, "The value 'panic' is invalid for '--kind <kind>'"),
            (["notices", "--key", "item/999/overdue"], 3, "no notice has the key 'item/999/overdue'"),
            (["import", "items", daemon.root + "/nothing.csv"], 66, "cannot read"),
        ]
        for (arguments, status, message) in cases {
            let result = try daemon.ctl(arguments)
            #expect(result.status == status, "\(arguments): exit \(result.status): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments) printed \(result.stdout)")
        }
        let file = try daemon.file("items.csv", Data("unit,title,deadline\ncounty-a,T,2099-01-01\n".utf8))
        let kind = try daemon.ctl(["import", "people", file])
        // A kind that cannot be imported is a usage error, caught before the daemon is asked.
        #expect(kind.status == 64 && kind.stderr.contains("'people' cannot be imported"), "\(kind.stderr)")
        let commitment = try daemon.ctl(["commitment", "add", "nowhere", "承诺"])
        #expect(commitment.status == 3, "\(commitment.stderr)")
        #expect(commitment.stderr == "cadencectl: \(noUnit) (see cadencectl units list)\n")
        #expect(try daemon.changes() == before, "a refused request was written to the history")
        #expect(try daemon.status()["items"] as? Int == 1)

        let unreachable = try BinaryRunner.run(
            cadencectl!, ["status"], environment: ["CADENCED_SOCKET": daemon.root + "/nothing-here"])
        #expect(unreachable.status == 69)
        #expect(unreachable.stderr.contains("cannot reach cadenced"))
    }

    // Bad input tried: a socket that accepts connections but never answers (a daemon stuck, or not
    // started behind its socket), --timeout=-1 and --timeout soon.
    @Test("A daemon that does not answer: the call gives up after --timeout, says so and exits 75")
    func callTimeout() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ctl-timeout-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/io.cadenced"
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #expect(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(bound == 0 && listen(listener, 8) == 0)
        // The kernel completes the connection from the backlog; nobody reads the call.
        let started = ContinuousClock.now
        let result = try BinaryRunner.run(cadencectl!, ["status", "--socket", path, "--timeout", "1"])
        let waited = ContinuousClock.now - started
        #expect(result.status == 75, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("cadenced did not answer on '\(path)' within 1 s"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(waited >= .seconds(1), "gave up after \(waited)")
        let negative = try BinaryRunner.run(cadencectl!, ["status", "--socket", path, "--timeout=-1"])
        #expect(negative.status == 64 && negative.stderr.contains("--timeout must be 0"), "\(negative.stderr)")
        let word = try BinaryRunner.run(cadencectl!, ["units", "list", "--socket", path, "--timeout", "soon"])
        #expect(word.status == 64, "\(word.stderr)")
    }

    // Bad input tried: item edit without --reason (a usage error), with nothing that changes.
    @Test("item edit and units edit: the correction and its reason in history, readable; --json keeps the object")
    func corrections() throws {
        let daemon = try CtlDaemon()
        try daemon.ok(["units", "add", "city", "--name", "示例市卫生局", "--kind", "bureau"])
        try daemon.ok(["units", "add", "county-a", "--name", "示例县卫生局", "--kind", "county-bureau", "--parent", "city"])
        try daemon.ok([
            "item", "add", "--unit", "county-a", "--title", "值班制度未落实", "--deadline", "2099-01-01",
            "--first", "孙三",
        ])
        let noReason = try daemon.ctl(["item", "edit", "1", "--title", "值班制度未落实（夜班）"])
        #expect(noReason.status == 64 && noReason.stderr.contains("--reason"), "\(noReason.stderr)")
        let same = try daemon.ctl(["item", "edit", "1", "--title", "值班制度未落实", "--reason", "核对"])
        #expect(same.status == 1 && same.stderr.contains("nothing to change"), "\(same.stderr)")
        #expect(
            try daemon.ok(["item", "edit", "1", "--title", "值班制度未落实（夜班）", "--reason", "录入有误"])
                == "Corrected item #1: title.\n")
        #expect(
            try daemon.ok(["units", "edit", "county-a", "--name", "示例县卫生健康局", "--reason", "机构改革更名"])
                == "Corrected unit county-a: name.\n")
        let history = try daemon.ok(["history"])
        #expect(history.contains("reason: 录入有误; title: 值班制度未落实 → 值班制度未落实（夜班）"), "\(history)")
        #expect(history.contains("reason: 机构改革更名; name: 示例县卫生局 → 示例县卫生健康局"), "\(history)")
        #expect(!history.contains("{\""), "\(history)")
        let json = try lines(daemon.ok(["history", "--json"])).last?["details"] as? String ?? ""
        #expect(json.hasPrefix("{") && json.contains("\"reason\":\"机构改革更名\""), "\(json)")
    }

    @Test("units, role, commitment, review and report: --json parses, tables align Chinese text by display width")
    func campaignVerbs() throws {
        let daemon = try CtlDaemon()
        let (_, quarter, month) = periods()
        #expect(
            try daemon.ok(["units", "add", "city", "--name", "示例市卫生局", "--kind", "bureau"]) == "Added unit city.\n")
        let county = try json(
            daemon.ok([
                "units", "add", "county-a", "--name", "示例县卫生局", "--kind", "county-bureau", "--parent", "city",
                "--liaison", "Liaison Wang", "--json",
            ]))
        #expect(county["quota"] as? Int == 4 && county["liaison"] as? String == "Liaison Wang")
        try daemon.ok(["units", "add", "alpha", "--name", "Unit Alpha", "--kind", "city-direct", "--parent", "city"])

        let table = try daemon.ok(["units", "list"])
        expectAligned(
            table, header: ["ID", "NAME", "KIND", "PARENT", "QUOTA", "LIAISON"],
            rows: [
                ["alpha", "Unit Alpha", "city-direct", "city", "2", ""],
                ["city", "示例市卫生局", "bureau", "", "0", ""],
                ["county-a", "示例县卫生局", "county-bureau", "city", "4", "Liaison Wang"],
            ])
        #expect(table.hasSuffix("\n3 units.\n"))
        let units = try lines(daemon.ok(["units", "list", "--json"]))
        #expect(units.map { $0["id"] as? String } == ["alpha", "city", "county-a"])
        #expect(units.map { $0["name"] as? String } == ["Unit Alpha", "示例市卫生局", "示例县卫生局"])
        #expect(units.map { $0["quota"] as? Int } == [2, 0, 4])
        let city = try json(daemon.ok(["units", "show", "city", "--json"]))
        #expect(city["children"] as? [String] == ["alpha", "county-a"])
        let shown = try daemon.ok(["units", "show", "county-a"])
        #expect(shown.contains("示例县卫生局") && shown.contains("Liaison Wang"), "\(shown)")

        try daemon.ok(["role", "assign", "county-a", "first", "Director Chen"])
        try daemon.ok(["role", "assign", "county-a", "first", "Director Zhou"])
        let tenures = try lines(daemon.ok(["role", "list", "county-a", "--all", "--json"])).filter {
            $0["role"] as? String == "first"
        }
        #expect(tenures.map { $0["person"] as? String } == ["Director Chen", "Director Zhou"])
        #expect(tenures.first?["until"] is String && tenures.last?["until"] == nil)

        let commitment = try json(
            daemon.ok(["commitment", "add", "county-a", "全年开展义诊 12 次", "--year", "2099", "--json"]))
        #expect(commitment["id"] as? Int == 1 && commitment["year"] as? Int == 2099)
        #expect(
            try daemon.ok(["commitment", "add", "county-a", "每月走访群众", "--member", "Member Zhou"])
                == "Added commitment #2.\n")
        #expect(try daemon.ok(["commitment", "fulfil", "1", "partial"]) == "Commitment #1: partial.\n")
        let commitments = try lines(daemon.ok(["commitment", "list", "--unit", "county-a", "--json"]))
        #expect(commitments.map { $0["status"] as? String } == ["partial", nil])
        #expect(commitments.first?["evaluatedPeriod"] as? String == quarter)

        let review = try json(
            daemon.ok([
                "review", "record", "county-a", "--kind", "review", "--form", "plenary", "--reviewer", "Leader Qian",
                "--json",
            ]))
        #expect(review["period"] as? String == quarter && review["byUnit"] as? String == "city")
        let overridden = try json(
            daemon.ok(["review", "record", "county-a", "--kind", "appraisal", "--by", "alpha", "--override", "--json"]))
        #expect(overridden["override"] as? Bool == true && overridden["byUnit"] as? String == "alpha")
        #expect(try lines(daemon.ok(["review", "list", "--unit", "county-a", "--json"])).count == 2)
        let appraisalID = try #require(overridden["id"] as? Int)
        #expect(try daemon.ok(["review", "list", "--unit", "county-a"]).hasPrefix("ID  UNIT"))
        #expect(
            try daemon.ok(["review", "remove", "\(appraisalID)", "--reason", "录错了评议单位"])
                == "Removed appraisal #\(appraisalID) of county-a for \(overridden["period"] ?? "?").\n")
        #expect(try lines(daemon.ok(["review", "list", "--unit", "county-a", "--json"])).count == 1)

        #expect(
            try daemon.ok(["report", "submit", "county-a", "我局开展义诊活动", "--recipient", "City office"])
                == "Recorded report #1 of county-a for \(month).\n")
        try daemon.ok(["report", "submit", "county-a", "重复录入的报告"])
        let reports = try daemon.ok(["report", "list", "--unit", "county-a"])
        #expect(reports.contains("重复录入的报告") && reports.hasSuffix("\n2 reports.\n"), "\(reports)")
        #expect(
            try daemon.ok(["report", "remove", "2", "--reason", "重复录入"])
                == "Removed report #2 of county-a for \(month).\n")
        let quota = try daemon.ok(["report", "quota"])
        expectAligned(
            quota, header: ["UNIT", "NAME", "KIND", "SUBMITTED", "REQUIRED", "SHORT"],
            rows: [
                ["alpha", "Unit Alpha", "city-direct", "0", "2", "yes"],
                ["county-a", "示例县卫生局", "county-bureau", "1", "4", "yes"],
            ])
        #expect(quota.hasSuffix("\n\(month): 2 of 2 units short.\n"))
        let quotaLines = try lines(daemon.ok(["report", "quota", "--json"]))
        #expect(quotaLines.map { $0["unit"] as? String } == ["alpha", "county-a"])
        #expect(quotaLines.map { $0["submitted"] as? Int } == [0, 1])
        #expect(quotaLines.allSatisfy { $0["short"] as? Bool == true })

        try daemon.ok(["units", "add", "temp", "--name", "临时单位", "--kind", "other", "--parent", "city"])
        #expect(try daemon.ok(["units", "remove", "temp"]) == "Removed unit temp.\n")
        #expect(try lines(daemon.ok(["units", "list", "--json"])).count == 3)
        let all = try lines(daemon.ok(["units", "list", "--all", "--json"]))
        #expect(all.first { $0["id"] as? String == "temp" }?["removed"] as? Bool == true)

        let actions = Set(try lines(daemon.ok(["history", "--json"])).compactMap { $0["action"] as? String })
        #expect(
            actions == [
                "unit.add", "role.assign", "commitment.add", "commitment.evaluate", "review.record", "review.remove",
                "report.submit", "report.remove", "unit.remove",
            ])
    }

    // Bad input tried: a GB18030 file (as iconv writes it) whose rows name an unknown unit, a
    // deadline that is not a date (明天), a unit without a first responsible person, an unknown
    // source (传闻): a dry run and a real import each print every problem as FILE:LINE: reason and
    // import nothing.
    @Test(
        "A GB18030 CSV from iconv: every bad row reported by line, nothing imported; the good file imports; export --encoding gb18030 decodes back",
        .enabled(if: iconv != nil, "iconv is not installed"))
    func gb18030() throws {
        let daemon = try CtlDaemon()
        try daemon.ok(["units", "add", "city", "--name", "示例市卫生局", "--kind", "bureau"])
        try daemon.ok(["units", "add", "county-a", "--name", "示例县卫生局", "--kind", "county-bureau", "--parent", "city"])
        try daemon.ok(["units", "add", "alpha", "--name", "Unit Alpha", "--kind", "city-direct", "--parent", "city"])
        try daemon.ok(["role", "assign", "county-a", "first", "Director Chen"])
        func gb18030File(_ name: String, _ text: String) throws -> String {
            let utf8 = try daemon.file(name + ".utf8", Data(text.utf8))
            let converted = try BinaryRunner.run(iconv!, ["-f", "UTF-8", "-t", "GB18030", utf8])
            #expect(converted.status == 0, "\(converted.stderr)")
            // Chinese text in GB18030 is not UTF-8: the tool must find the encoding itself.
            #expect(String(data: converted.stdoutData, encoding: .utf8) == nil)
            return try daemon.file(name, converted.stdoutData)
        }
        let bad = try gb18030File(
            "整改台账-bad.csv",
            """
            单位,问题,整改时限,第一责任人,来源
            county-a,值班制度未落实,2099-05-31,,inspection
            nowhere,单位不存在,2099-05-31,主任甲,
            county-a,时限不对,明天,,
            alpha,没有第一责任人,2099-05-31,,
            county-a,来源不对,2099-05-31,,传闻

            """)
        let before = try daemon.changes()
        for dryRun in [true, false] {
            let result = try daemon.ctl(["import", "items", bad] + (dryRun ? ["--dry-run"] : []))
            #expect(result.status == 65, "\(result.stderr)")
            let printed = result.stderr.split(separator: "\n").map(String.init)
            #expect(
                printed == [
                    "cadencectl: \(bad):3: there is no unit 'nowhere'",
                    "cadencectl: \(bad):4: deadline '明天' is not a date (2026-10-31, 2026/10/31, 2026年10月31日), "
                        + "+N, +Nwd or an instant",
                    "cadencectl: \(bad):5: the first responsible person is missing: name one, or assign the role "
                        + "'first' of unit 'alpha' (cadencectl role assign alpha first NAME)",
                    "cadencectl: \(bad):6: source '传闻' is not one of: self-examination, mutual-help, superior, "
                        + "superior-circular, public-appraisal, unannounced-visit, inspection, complaint, petition, "
                        + "media, review-meeting, hazard-sweep, missed-duty",
                    "cadencectl: 4 problems in 5 rows; nothing imported.",
                ])
            #expect(result.stdout.isEmpty)
        }
        let reply = try json(daemon.ctl(["import", "items", bad, "--dry-run", "--json"]).stdout)
        #expect(reply["imported"] as? Int == 0 && reply["rows"] as? Int == 5 && reply["dryRun"] as? Bool == true)
        #expect((reply["problems"] as? [[String: Any]] ?? []).map { $0["line"] as? Int } == [3, 4, 5, 6])
        #expect(try daemon.changes() == before)
        #expect(try daemon.status()["items"] as? Int == 0)

        let good = try gb18030File(
            "整改台账.csv",
            """
            单位,问题,整改时限,第一责任人,来源
            county-a,值班制度未落实,2099-05-31,,inspection
            alpha,"消防通道堵塞, 二楼",2099-06-30,主任乙,complaint

            """)
        #expect(
            try daemon.ok(["import", "items", good, "--dry-run"]) == "2 rows are good; nothing imported (dry run).\n")
        #expect(try daemon.status()["items"] as? Int == 0)
        #expect(try daemon.ok(["import", "items", good]) == "Imported 2 items.\n")
        let items = try lines(daemon.ok(["item", "list", "--json"]))
        #expect(items.map { $0["title"] as? String } == ["值班制度未落实", "消防通道堵塞, 二楼"])
        #expect(items.map { $0["firstPerson"] as? String } == ["Director Chen", "主任乙"])
        #expect(items.map { $0["source"] as? String } == ["inspection", "complaint"])

        let exported = try daemon.ctl(["export", "items", "--encoding", "gb18030"])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(String(data: exported.stdoutData, encoding: .utf8) == nil, "the export is not GB18030")
        let path = try daemon.file("export.csv", exported.stdoutData)
        let decoded = try BinaryRunner.run(iconv!, ["-f", "GB18030", "-t", "UTF-8", path])
        #expect(decoded.status == 0, "\(decoded.stderr)")
        #expect(decoded.stdout == (try daemon.ok(["export", "items"])))
        // Language=zh: the office's headers, which an import reads back as the same items.
        #expect(decoded.stdout.hasPrefix("系统编号,单位,问题,整改时限,来源,"), "\(decoded.stdout.prefix(80))")
        #expect(decoded.stdout.contains("\"消防通道堵塞, 二楼\"") && decoded.stdout.contains("主任乙"))
        let back = try daemon.ok(["import", "items", path])
        #expect(back.contains("rows are already in the ledger as they are"), "\(back)")
    }

    @Test(
        "A peer that may neither read nor write gets exit 77 and changes nothing",
        .enabled(if: getuid() == 0, "needs root to run cadencectl as another uid"),
        .enabled(if: setpriv != nil, "setpriv is not installed"))
    func denied() throws {
        let daemon = try CtlDaemon()
        try daemon.ok(["units", "add", "city", "--name", "示例市卫生局", "--kind", "bureau"])
        let before = try daemon.changes()
        // uid 65534 with the socket's group: it may connect (0660) but is neither root, the
        // daemon's user nor in AdminGroup= or the cadenced group.
        let attributes = try FileManager.default.attributesOfItem(atPath: daemon.socket)
        let group = (attributes[.groupOwnerAccountID] as? NSNumber)?.intValue ?? 0
        func stranger(_ arguments: [String]) throws -> BinaryRunner.Result {
            try BinaryRunner.run(
                setpriv!, ["--reuid=65534", "--regid=\(group)", "--clear-groups", cadencectl!.path] + arguments,
                environment: ["CADENCED_SOCKET": daemon.socket])
        }
        for arguments in [["status"], ["units", "list"], ["item", "list", "--json"]] {
            let result = try stranger(arguments)
            #expect(result.status == 77, "\(arguments): exit \(result.status): \(result.stderr)")
            #expect(result.stderr.contains("may not read the ledger"), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        for arguments in [
            ["units", "add", "county-a", "--name", "示例县卫生局", "--kind", "county-bureau"],
            ["role", "assign", "city", "first", "Director Chen"],
            ["item", "add", "--unit", "city", "--title", "T", "--deadline", "2099-01-01", "--first", "Director Chen"],
        ] {
            let result = try stranger(arguments)
            #expect(result.status == 77, "\(arguments): exit \(result.status): \(result.stderr)")
            #expect(result.stderr.contains("may not change the ledger"), "\(arguments): \(result.stderr)")
        }
        #expect(try daemon.changes() == before)
        #expect(try lines(daemon.ok(["units", "list", "--json"])).count == 1)
    }

    // Bad input tried: the same GB18030 sheet twice, a row changed in place, a number given twice,
    // our own export imported back, and removing an item people acted on without --force.
    @Test(
        "Importing a sheet twice adds nothing; a changed row is reported and applied only with --update; item remove",
        .enabled(if: iconv != nil, "iconv is not installed"))
    func importTwice() throws {
        let daemon = try CtlDaemon()
        try daemon.ok(["units", "add", "city", "--name", "示例市卫生局", "--kind", "bureau"])
        try daemon.ok(["units", "add", "county-a", "--name", "示例县卫生局", "--kind", "county-bureau", "--parent", "city"])
        try daemon.ok(["role", "assign", "county-a", "first", "Director Chen"])
        func sheet(_ name: String, _ text: String) throws -> String {
            let utf8 = try daemon.file(name + ".utf8", Data(text.utf8))
            let converted = try BinaryRunner.run(iconv!, ["-f", "UTF-8", "-t", "GB18030", utf8])
            return try daemon.file(name, converted.stdoutData)
        }
        let numbered = try sheet(
            "台账.csv",
            """
            序号,单位,问题,整改时限,来源
            1,county-a,值班制度未落实,2099-05-31,inspection
            2,county-a,消防通道堵塞,2099-06-30,complaint
            3,county-a,台账不全,2099-07-31,

            """)
        #expect(try daemon.ok(["import", "items", numbered]) == "Imported 3 items.\n")
        let notices = try daemon.status()["notices"] as? Int
        let again = try daemon.ok(["import", "items", numbered])
        #expect(again == "Imported 0 items.\n3 rows are already in the ledger as they are; not added again.\n")
        #expect(try daemon.status()["items"] as? Int == 3)
        #expect(try daemon.status()["notices"] as? Int == notices)

        // Row 2's deadline moved in the sheet: reported, not applied; then applied with --update.
        let changed = try sheet(
            "台账-改.csv",
            """
            序号,单位,问题,整改时限,来源
            1,county-a,值班制度未落实,2099-05-31,inspection
            2,county-a,消防通道堵塞,2099-08-15,complaint
            3,county-a,台账不全,2099-07-31,
            4,county-a,新发现的问题,2099-09-30,

            """)
        let report = try daemon.ok(["import", "items", changed])
        #expect(report.contains("Imported 1 items."), "\(report)")
        #expect(report.contains("\(changed):3: item #2: deadline '2099-06-30' → '2099-08-15'"), "\(report)")
        #expect(report.contains("give --update to apply them"))
        let second = try #require(try lines(daemon.ok(["item", "show", "2", "--json"])).first)
        #expect(second["deadlineDate"] as? String == "2099-06-30")
        let updated = try daemon.ok(["import", "items", changed, "--update"])
        #expect(updated.contains("Updated 1 items from their rows."), "\(updated)")
        let moved = try #require(try lines(daemon.ok(["item", "show", "2", "--json"])).first)
        #expect(moved["deadlineDate"] as? String == "2099-08-15")
        #expect(try daemon.status()["items"] as? Int == 4)

        // A number twice in one sheet is an error of the sheet; nothing is imported.
        let twice = try sheet(
            "台账-重号.csv", "序号,单位,问题,整改时限\n5,county-a,甲,2099-05-31\n5,county-a,乙,2099-05-31\n")
        let refused = try daemon.ctl(["import", "items", twice])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("\(twice):3: number '5' of county-a is on line 2 already"), "\(refused.stderr)")
        // Our own export imports back without adding anything.
        let exported = try daemon.file("export.csv", Data(try daemon.ok(["export", "items"]).utf8))
        #expect(try daemon.ok(["import", "items", exported]).contains("Imported 0 items."))
        #expect(try daemon.status()["items"] as? Int == 4)

        // item remove: refused once someone acted on it, unless --force; its number is never reused.
        try daemon.ok(["item", "progress", "3", "--note", "已安排"])
        let kept = try daemon.ctl(["item", "remove", "3"])
        #expect(
            kept.status == 1 && kept.stderr.contains("history beyond its creation (item.progress)"), "\(kept.stderr)")
        #expect(try daemon.ok(["item", "remove", "4"]) == "Removed item #4 (now removed).\n")
        #expect(try daemon.ok(["item", "remove", "3", "--force"]) == "Removed item #3 (now removed).\n")
        #expect(try daemon.status()["items"] as? Int == 2)
        #expect(try daemon.ctl(["item", "show", "4"]).status == 3)
        let history = try lines(daemon.ok(["history", "--json"])).filter { $0["action"] as? String == "item.remove" }
        #expect(history.count == 2)
        let added = try json(
            daemon.ok(["item", "add", "--unit", "county-a", "--title", "另一项", "--deadline", "2099-10-31", "--json"]))
        #expect(added["id"] as? Int == 5)
    }

    @Test("A warning before a deadline names the deadline as typed; one given as an instant in the daemon's zone")
    func warningNamesDeadline() throws {
        let daemon = try CtlDaemon()
        try daemon.ok(["units", "add", "unit-c", "--name", "Unit C", "--kind", "other"])
        // Three days ahead: the 7-day warning (WarnBeforeSec=) is due at once, while the deadline is not.
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd"
        let date = formatter.string(from: Date().addingTimeInterval(3 * 86_400))
        try daemon.ok(["item", "add", "--unit", "unit-c", "--title", "A date", "--deadline", date, "--first", "Wu"])
        let instant = Date().addingTimeInterval(4 * 86_400)
        try daemon.ok([
            "item", "add", "--unit", "unit-c", "--title", "An instant", "--deadline",
            ISO8601DateFormatter().string(from: instant), "--first", "Wu",
        ])
        var warnings: [[String: Any]] = []
        let until = Date().addingTimeInterval(10)
        while warnings.count < 2 && Date() < until {
            warnings = try lines(daemon.ok(["notices", "--unit", "unit-c", "--kind", "deadline-warning", "--json"]))
            if warnings.count < 2 { usleep(100_000) }
        }
        let subjects = warnings.compactMap { $0["subject"] as? String }.sorted()
        #expect(subjects.count == 2, "\(warnings)")
        #expect(subjects.contains { $0.contains("\(date)（当日 24:00 截止）") }, "\(subjects)")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        #expect(subjects.contains { $0.contains(formatter.string(from: instant)) }, "\(subjects)")
    }

    @Test("A deadline typed as a date is listed, shown and exported as that date")
    func deadlineTypedAsDate() throws {
        let daemon = try CtlDaemon()
        try daemon.ok(["units", "add", "county-a", "--name", "示例县卫生局", "--kind", "county-bureau"])
        try daemon.ok([
            "item", "add", "--unit", "county-a", "--title", "值班", "--deadline", "2099-10-31", "--first", "主任甲",
        ])
        let list = try daemon.ok(["item", "list"])
        #expect(list.contains("2099-10-31") && !list.contains("2099-11-01"), "\(list)")
        let show = try daemon.ok(["item", "show", "1"])
        #expect(show.contains("2099-10-31") && !show.contains("2099-11-01"), "\(show)")
        let export = try daemon.ok(["export", "items"])
        #expect(export.contains(",2099-10-31,") && !export.contains("2099-10-31T16"), "\(export)")
    }

    @Test(
        "Tables show instants in the daemon's TimeZone=, whatever the caller's TZ (status, role list, history, item show)"
    )
    func tablesInDaemonZone() throws {
        let daemon = try CtlDaemon()
        try daemon.ok(["units", "add", "city", "--name", "示例市卫生局", "--kind", "bureau"])
        try daemon.ok(["role", "assign", "city", "first", "Director Chen"])
        try daemon.ok(["item", "add", "--unit", "city", "--title", "Roster not posted", "--deadline", "2099-01-01"])
        let shanghai = TimeZone(identifier: "Asia/Shanghai")!
        let abbreviation = shanghai.abbreviation() ?? "GMT+8"
        for arguments in [["status"], ["role", "list"], ["history"], ["item", "show", "1"]] {
            var outputs: [String] = []
            for tz in ["UTC", "America/New_York", ":Europe/Berlin"] {
                let result = try BinaryRunner.run(
                    cadencectl!, arguments, environment: ["CADENCED_SOCKET": daemon.socket, "TZ": tz])
                #expect(result.status == 0, "\(arguments): \(result.stderr)")
                outputs.append(result.stdout)
            }
            #expect(Set(outputs).count == 1, "\(arguments) depends on TZ:\n\(outputs.joined(separator: "\n--\n"))")
            if arguments != ["status"] {
                #expect(outputs[0].contains(" " + abbreviation), "\(arguments): \(outputs[0])")
            }
            #expect(!outputs[0].contains("EST") && !outputs[0].contains(" UTC\n"), "\(outputs[0])")
        }
        // The history's instant, as the daemon's zone shows it.
        let entry = try #require(try lines(daemon.ok(["history", "--json"])).first)
        let at = try #require(entry["at"] as? String)
        let instant = try #require(ISO8601DateFormatter().date(from: at))
        let formatter = DateFormatter()
        formatter.timeZone = shanghai
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        let history = try daemon.ok(["history"])
        #expect(history.contains(formatter.string(from: instant) + " " + abbreviation), "\(history)")
    }

    @Test(
        "A user the socket's file mode keeps out gets exit 77 and is told which group lets them in",
        .enabled(if: getuid() == 0, "needs root to run cadencectl as another uid"),
        .enabled(if: setpriv != nil, "setpriv is not installed"))
    func keptOutBySocketMode() throws {
        let daemon = try CtlDaemon()
        // uid and gid 65534, no supplementary groups: connect() itself is refused (EACCES).
        let result = try BinaryRunner.run(
            setpriv!, ["--reuid=65534", "--regid=65534", "--clear-groups", cadencectl!.path, "status"],
            environment: ["CADENCED_SOCKET": daemon.socket])
        #expect(result.status == 77, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("permission denied on '\(daemon.socket)'"), "\(result.stderr)")
        #expect(result.stderr.contains("group 'cadenced'"))
        #expect(!result.stderr.contains("is cadenced running"))
    }
}
