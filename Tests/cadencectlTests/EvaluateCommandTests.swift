import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

private let cadenced = CtlDaemon.cadenced
private let cadencectl = CtlDaemon.cadencectl
private let iconv = BinaryRunner.which("iconv")

/// The shared daemon (CtlDaemon.swift), with what these tests ask of it.
extension CtlDaemon {
    fileprivate convenience init() throws { try self.init(name: "eval") }

    @discardableResult
    fileprivate func ok(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws
        -> BinaryRunner.Result
    {
        try succeed(arguments, sourceLocation: sourceLocation)
    }
}

/// This year in the daemon's zone.
private var thisYear: Int {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
    return calendar.component(.year, from: Date())
}

@Suite(
    "cadencectl evaluate", .serialized,
    .enabled(if: cadenced != nil && cadencectl != nil, "cadenced or cadencectl is not built"))
struct EvaluateCommandTests {
    /// Two units under a bureau, a commitment fulfilled and one not, a report, an overdue item.
    private func ledger(_ daemon: CtlDaemon) throws {
        try daemon.ok(["units", "add", "city", "--name", "示例市卫生局", "--kind", "bureau"])
        try daemon.ok(["units", "add", "county-a", "--name", "示例县卫生局", "--kind", "county-bureau", "--parent", "city"])
        try daemon.ok(["units", "add", "alpha", "--name", "Unit Alpha", "--kind", "city-direct", "--parent", "city"])
        try daemon.ok(["role", "assign", "county-a", "first", "赵示例"])
        try daemon.ok(["commitment", "add", "county-a", "全年开展义诊 12 次"])
        try daemon.ok(["commitment", "add", "county-a", "投诉件 3 日内答复"])
        try daemon.ok(["commitment", "fulfil", "1", "fulfilled"])
        try daemon.ok(["report", "submit", "alpha", "信息一则"])
        // Imported with its deadline an hour past (an import takes it): overdue at once, no race with the clock.
        let past = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-3600))
        let row = try daemon.file(
            "overdue.json", Data(#"[{"unit": "county-a", "title": "值班制度未落实", "deadline": "\#(past)"}]"#.utf8))
        try daemon.ok(["import", "items", row])
        let deadline = Date().addingTimeInterval(20)
        while try daemon.ok(["overdue", "--json"]).stdout.isEmpty && Date() < deadline { usleep(200_000) }
    }

    @Test(
        "The CSV opens with the stated columns in GB18030 or UTF-8 with a byte order mark; JSON and HTML carry the figures"
    )
    func formats() throws {
        let daemon = try CtlDaemon()
        try ledger(daemon)

        let json = try daemon.ok(["evaluate", "--year", "\(thisYear)", "--format", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["year"] as? Int == thisYear && document["language"] as? String == "zh")
        let units = try #require(document["units"] as? [[String: Any]])
        #expect(Set(units.compactMap { $0["id"] as? String }) == ["city", "county-a", "alpha"])
        let county = try #require(units.first { $0["id"] as? String == "county-a" })
        #expect((county["commitments"] as? [String: Int])?["made"] == 2)
        #expect((county["commitments"] as? [String: Int])?["fulfilled"] == 1)
        #expect((county["items"] as? [String: Int])?["overdue"] == 1)
        let listed = try #require(document["items"] as? [[String: Any]])
        #expect(listed.first?["first"] as? String == "赵示例")

        // GB18030, as Excel and WPS on Chinese Windows read it; decoded here by iconv, not by our code.
        if let iconv {
            let gb = try daemon.ok(["evaluate", "--year", "\(thisYear)", "--format", "csv", "--encoding", "gb18030"])
            #expect(String(data: gb.stdoutData, encoding: .utf8) == nil, "GB18030 bytes are not UTF-8")
            let path = daemon.root + "/evaluation.csv"
            try gb.stdoutData.write(to: URL(fileURLWithPath: path))
            let decoded = try BinaryRunner.run(iconv, ["-f", "GB18030", "-t", "UTF-8", path])
            #expect(decoded.status == 0)
            let lines = decoded.stdout.split(separator: "\r\n")
            #expect(lines.count == 4)
            #expect(lines.first?.hasPrefix("名次,单位编号,单位,类别,得分,作出承诺,兑现,部分兑现,未兑现,未评定,兑现率 (%),") == true)
            #expect(lines.first?.contains(",1月 报送,") == true && lines.first?.contains(",逾期未改,") == true)
            #expect(lines.contains { $0.contains(",county-a,示例县卫生局,county-bureau,") })
        }
        let bom = try daemon.ok(["evaluate", "--year", "\(thisYear)", "--format", "csv", "--bom", "--language", "en"])
        #expect(Array(bom.stdoutData.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let header = String(decoding: bom.stdoutData.dropFirst(3), as: UTF8.self).split(separator: "\r\n").first ?? ""
        #expect(header.hasPrefix("Rank,Unit id,Unit,Kind,Score,Commitments made,Fulfilled,"))

        // The page, to a file, in one piece; names masked on request.
        let page = daemon.root + "/总评.html"
        try daemon.ok(["evaluate", "--year", "\(thisYear)", "--format", "html", "--mask", "-o", page])
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<svg") && html.contains("示例县卫生局"))
        #expect(!html.contains("赵示例") && html.contains(">P1<"))
        let markdown = try daemon.ok([
            "evaluate", "--year", "\(thisYear)", "--variant", "ledger-call-in", "--unit", "county-a",
        ])
        #expect(markdown.stdout.contains("年底要账") && markdown.stdout.contains("值班制度未落实"))
        #expect(!markdown.stdout.contains("Unit Alpha"))
    }

    @Test("Bad requests: usage errors exit 64, refusals 1, an unknown unit 3; nothing is written")
    func refusals() throws {
        let daemon = try CtlDaemon()
        try daemon.ok(["units", "add", "city", "--name", "示例市卫生局", "--kind", "bureau"])
        for arguments in [
            ["--format", "xlsx"], ["--variant", "weekly"], ["--language", "fr"],
            ["--format", "html", "--encoding", "gb18030"],
        ] {
            let result = try daemon.ctl(["evaluate", "--year", "\(thisYear)"] + arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
        }
        let old = try daemon.ctl(["evaluate", "--year", "1999"])
        #expect(old.status == 1 && old.stderr.contains("1999"), "\(old.stderr)")
        let ahead = try daemon.ctl(["evaluate", "--year", "\(thisYear + 1)"])
        #expect(ahead.status == 1 && ahead.stderr.contains("not begun"), "\(ahead.stderr)")
        let nowhere = try daemon.ctl(["evaluate", "--year", "\(thisYear)", "--unit", "nowhere"])
        #expect(nowhere.status == 3, "\(nowhere.stderr)")
        let unwritable = try daemon.ctl(["evaluate", "--year", "\(thisYear)", "-o", daemon.root + "/no/such/dir/x.md"])
        #expect(unwritable.status == 73, "\(unwritable.stderr)")
        let help = try daemon.ctl(["evaluate", "--help"])
        #expect(help.status == 0 && help.stdout.contains("一年一总评") && help.stdout.contains("--as-of"))
    }
}
