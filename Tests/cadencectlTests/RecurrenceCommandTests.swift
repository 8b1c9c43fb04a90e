import Foundation
import Testing

extension CtlDaemon {
    fileprivate convenience init() throws { try self.init(name: "recur") }
}

@Suite("cadencectl item add --recurrence-of and the chain item show prints")
struct RecurrenceCommandTests {
    @Test("Three rounds of one problem: item show lists the earlier ones, newest first; an open one cannot recur")
    func chain() throws {
        let daemon = try CtlDaemon()
        try daemon.succeed(["units", "add", "city", "--name", "示例市卫生健康委", "--kind", "city-direct"])
        try daemon.succeed([
            "units", "add", "county-a", "--name", "甲县卫生健康局", "--kind", "county-bureau", "--parent", "city",
        ])
        try daemon.succeed(["role", "assign", "county-a", "first", "局长示例"])
        func add(_ title: String, _ more: [String] = []) throws -> String {
            try daemon.succeed(["item", "add", "--unit", "county-a", "--title", title, "--deadline", "+30"] + more)
                .stdout
        }
        _ = try add("值班制度未落实")
        let refused = try daemon.ctl([
            "item", "add", "--unit", "county-a", "--title", "又未落实", "--deadline", "+30", "--recurrence-of", "1",
        ])
        #expect(refused.status == 1 && refused.stderr.contains("item #1 is open"), "\(refused.stderr)")
        for id in ["1", "2"] {
            if id == "2" { _ = try add("值班制度再次未落实", ["--recurrence-of", "1"]) }
            try daemon.succeed(["item", "rectified", id, "--note", "已整改"])
            try daemon.succeed(["item", "close", id, "--by", "验收人示例"])
        }
        _ = try add("值班制度第三次未落实", ["--recurrence-of", "2"])
        let shown = try daemon.succeed(["item", "show", "3"]).stdout
        let fields = shown.split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }
        #expect(fields.contains("Recurrence of 2") && fields.contains("Flagged yes"), "\(shown)")
        let chain = try #require(
            shown.components(separatedBy: "\nThe same problem before, newest first:\n").dropFirst().first)
        let lines = chain.split(separator: "\n").prefix(2).map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.count == 2 && lines[0].hasPrefix("#2 值班制度再次未落实 (closed 20"), "\(chain)")
        #expect(lines.count == 2 && lines[1].hasPrefix("#1 值班制度未落实 (closed 20"), "\(chain)")
    }

    @Test("A problem an inspection missed: item add --missed-by links it, item show names the inspection")
    func missedBy() throws {
        let daemon = try CtlDaemon()
        try daemon.succeed(["units", "add", "city", "--name", "示例市卫生健康委", "--kind", "city-direct"])
        try daemon.succeed([
            "units", "add", "county-a", "--name", "甲县卫生健康局", "--kind", "county-bureau", "--parent", "city",
        ])
        try daemon.succeed(["role", "assign", "county-a", "first", "局长示例"])
        try daemon.succeed(["review", "record", "county-a", "--kind", "inspection", "--period", "2026-H1"])
        let refused = try daemon.ctl([
            "item", "add", "--unit", "county-a", "--title", "消防通道堵塞", "--deadline", "+30", "--missed-by", "9",
        ])
        #expect(refused.status == 1 && refused.stderr.contains("there is no review #9"), "\(refused.stderr)")
        try daemon.succeed([
            "item", "add", "--unit", "county-a", "--title", "消防通道堵塞", "--deadline", "+30", "--source", "media",
            "--missed-by", "1",
        ])
        let shown = try daemon.succeed(["item", "show", "1"]).stdout
        #expect(shown.contains("Not found by the inspection of 2026-H1 held "), "\(shown)")
        #expect(shown.contains("(review #1): flagged, overdue it goes to accountability."), "\(shown)")
    }

    @Test("item show --mask and history --mask name nobody; roles and units stay")
    func masked() throws {
        let daemon = try CtlDaemon()
        try daemon.succeed(["units", "add", "city", "--name", "示例市卫生健康委", "--kind", "city-direct"])
        try daemon.succeed([
            "units", "add", "county-a", "--name", "甲县卫生健康局", "--kind", "county-bureau", "--parent", "city",
        ])
        try daemon.succeed(["role", "assign", "county-a", "first", "局长示例"])
        try daemon.succeed([
            "item", "add", "--unit", "county-a", "--title", "值班制度未落实", "--deadline", "+30", "--main", "孙示例",
        ])
        try daemon.succeed(["item", "rectified", "1", "--note", "已整改"])
        try daemon.succeed(["item", "close", "1", "--by", "验收人示例"])
        let shown = try daemon.succeed(["item", "show", "1", "--mask"]).stdout
        for name in ["局长示例", "孙示例", "验收人示例"] { #expect(!shown.contains(name), "\(name): \(shown)") }
        #expect(
            shown.contains("局***") && shown.contains("孙**") && shown.contains("@first") && shown.contains("county-a"))
        let history = try daemon.succeed(["history", "--mask"]).stdout
        #expect(!history.contains("验收人示例") && !history.contains("局长示例") && history.contains("验****"), "\(history)")
        #expect(try daemon.succeed(["history"]).stdout.contains("验收人示例"))
    }
}
