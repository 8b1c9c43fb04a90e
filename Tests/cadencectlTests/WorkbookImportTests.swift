import Foundation
import Testing

private let venvPython = BinaryRunner.packageRoot.appendingPathComponent(".build/venv/bin/python3")
private let officeScript = BinaryRunner.packageRoot.appendingPathComponent("Tests/sheets/office-xlsx.py")
private let hasOpenpyxl: Bool = { (try? BinaryRunner.run(venvPython, ["-c", "import openpyxl"]).status) == 0 }()

/// Skips with the reason, or under CI=true (where scripts/deps installs openpyxl) fails.
private func requireOpenpyxl() throws {
    guard !hasOpenpyxl else { return }
    let reason = "the venv's python3 cannot import openpyxl (scripts/deps installs it in .build/venv)"
    if ProcessInfo.processInfo.environment["CI"] == "true" {
        Issue.record("\(reason); CI=true")
        throw CancellationError()
    }
    try Test.cancel(Comment(rawValue: reason))
}

/// Writes `rows` as an .xlsx with openpyxl (a merged title row above, when given) and returns its path.
private func workbook(
    _ daemon: CtlDaemon, _ name: String, _ rows: [[String]], title: String? = nil, sheet: String? = nil
) throws -> String {
    let json = try daemon.file(name + ".json", try JSONSerialization.data(withJSONObject: rows))
    let path = daemon.root + "/" + name
    let result = try BinaryRunner.run(
        venvPython,
        [officeScript.path, "write", path, json] + (title.map { ["--title", $0] } ?? [])
            + (sheet.map { ["--sheet", $0] } ?? []))
    #expect(result.status == 0, "office-xlsx.py: \(result.stderr)")
    return path
}

private func items(_ daemon: CtlDaemon) throws -> [[String: Any]] {
    try daemon.succeed(["item", "list", "--json"]).stdout.split(separator: "\n").compactMap {
        try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
}

private let header = ["序号", "单位", "问题", "整改措施", "第一责任人", "整改时限", "完成情况", "备注"]

@Suite(
    "cadencectl import and export of .xlsx workbooks as offices keep them", .serialized,
    .enabled(if: CtlDaemon.cadenced != nil, "cadenced is not built"))
struct WorkbookImportTests {
    @Test(
        "An office's 整改台账.xlsx imports in one go: a merged title row, 序号 and 备注, dates in four forms, a unit by name, a two-line cell; again adds nothing; its export reads back in openpyxl"
    )
    func officeWorkbook() throws {
        try requireOpenpyxl()
        let daemon = try CtlDaemon(name: "xlsx")
        try daemon.succeed(["units", "add", "city", "--name", "示例市卫生局", "--kind", "bureau"])
        try daemon.succeed([
            "units", "add", "county-a", "--name", "示例县卫生局", "--kind", "county-bureau", "--parent", "city",
        ])
        let path = try workbook(
            daemon, "整改台账.xlsx",
            [
                header,
                ["@int:1", "示例县卫生局", "值班制度未落实", "1. 修订制度\n2. 每周检查", "孙三", "@date:2027-03-31", "未完成", ""],
                ["@int:2", "county-a", "@rich:台账未更新", "更新台账", "孙三", "2027/4/30", "", ""],
                ["@int:3", "示例县卫生局", "公示栏缺失", "设置公示栏", "孙三", "2027年5月31日", "", "急"],
                ["@int:4", "county-a", "培训记录不全", "补全记录", "孙三", "2027.6.30", "", ""],
            ], title: "示例县卫生健康局整改台账")
        let imported = try daemon.succeed(["import", "items", path])
        #expect(imported.stdout == "Imported 4 items.\n")
        #expect(imported.stderr.contains("columns not in the ledger, ignored: 完成情况, 备注"), "\(imported.stderr)")
        let ledger = try items(daemon)
        #expect(ledger.map { $0["unit"] as? String ?? "" } == ["county-a", "county-a", "county-a", "county-a"])
        #expect(
            ledger.map { $0["deadlineDate"] as? String ?? $0["deadline"] as? String ?? "" }
                == ["2027-03-31", "2027-04-30", "2027-05-31", "2027-06-30"],
            "\(ledger.map { $0["deadlineDate"] ?? "" })")
        #expect(ledger.map { $0["title"] as? String ?? "" } == ["值班制度未落实", "台账未更新", "公示栏缺失", "培训记录不全"])
        #expect((ledger[0]["measures"] as? String) == "1. 修订制度\n2. 每周检查")
        let again = try daemon.succeed(["import", "items", path])
        #expect(again.stdout.hasPrefix("Imported 0 items.\n4 rows are already in the ledger"), "\(again.stdout)")

        // Redirected to a file, as a person would (the workbook is bytes, not text).
        let file = daemon.root + "/export.xlsx"
        let exported = try BinaryRunner.run(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", "\"$0\" export items --format xlsx > \"$1\"", CtlDaemon.cadencectl!.path, file],
            environment: ["CADENCED_SOCKET": daemon.socket])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)).prefix(2) == Data("PK".utf8))
        let read = try BinaryRunner.run(venvPython, [officeScript.path, "read", file])
        #expect(read.status == 0, "\(read.stderr)")
        let rows = read.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String]
        }
        #expect(rows.first?.prefix(4) == ["系统编号", "单位", "问题", "整改时限"], "\(rows.first ?? [])")
        #expect(rows.count == 5 && rows[1].contains("1. 修订制度\n2. 每周检查") && rows[4][3] == "2027-06-30")
        // The export imports back as the same four items.
        let back = try daemon.succeed(["import", "items", file])
        #expect(back.stdout.contains("4 rows are already in the ledger"), "\(back.stdout) \(back.stderr)")
    }

    // Bad input tried: a month for a deadline (2027年11月), 30 February, a deadline in words
    // (下月底), a unit name two units have, the ledger on the second sheet without --sheet, a sheet
    // that is not there, random bytes named .xlsx, --sheet on a CSV file.
    @Test(
        "Bad rows are reported by the sheet's own row numbers (a title row and a three-line cell above them); nothing is imported"
    )
    func badWorkbook() throws {
        try requireOpenpyxl()
        let daemon = try CtlDaemon(name: "xlsx-bad")
        try daemon.succeed(["units", "add", "city", "--name", "示例市卫生局", "--kind", "bureau"])
        for id in ["county-a", "county-b"] {
            try daemon.succeed(["units", "add", id, "--name", "示例县卫生局", "--kind", "county-bureau", "--parent", "city"])
        }
        let path = try workbook(
            daemon, "bad.xlsx",
            [
                header,
                ["@int:1", "county-a", "值班制度未落实", "1. 修订制度\n2. 每周检查\n3. 通报", "孙三", "2027年11月", "", ""],
                ["@int:2", "county-b", "台账未更新", "更新台账", "孙三", "2027/2/30", "", ""],
                ["@int:3", "county-a", "公示栏缺失", "设置公示栏", "孙三", "下月底", "", ""],
                ["@int:4", "示例县卫生局", "培训记录不全", "补全记录", "孙三", "2027-06-30", "", ""],
            ], title: "整改台账", sheet: "台账")
        let first = try daemon.ctl(["import", "items", path])
        #expect(first.status == 65)
        #expect(first.stderr.contains("the column 'deadline' (期限, 整改时限"), "\(first.stderr)")
        #expect(first.stderr.contains("The workbook has other sheets: 台账 (--sheet NAME)."), "\(first.stderr)")
        let result = try daemon.ctl(["import", "items", path, "--sheet", "台账"])
        #expect(result.status == 65)
        let expected = [
            "cadencectl: \(path):3: deadline '2027年11月' is a month, not a date (give the day, e.g. 2027-11-30)",
            "cadencectl: \(path):4: deadline '2027/2/30' is not a date (2026-10-31, 2026/10/31, 2026年10月31日), +N, +Nwd or an instant",
            "cadencectl: \(path):5: deadline '下月底' is not a date (2026-10-31, 2026/10/31, 2026年10月31日), +N, +Nwd or an instant",
            "cadencectl: \(path):6: unit '示例县卫生局' is the name of 2 units (county-a, county-b): give its id",
            "cadencectl: 4 problems in 4 rows; nothing imported.",
        ]
        let said = result.stderr.split(separator: "\n").map(String.init)
        #expect(Array(said.suffix(5)) == expected, "\(said.suffix(5).map { $0.unicodeScalars.map { $0.value } })")
        #expect(try items(daemon).isEmpty)
        let missing = try daemon.ctl(["import", "items", path, "--sheet", "汇总"])
        #expect(missing.status == 65 && missing.stderr.contains("the workbook has no sheet '汇总'; its sheets: 说明, 台账"))
        let junk = try daemon.file("junk.xlsx", Data((0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37) }))
        let refused = try daemon.ctl(["import", "items", junk])
        #expect(refused.status == 65 && refused.stderr.contains("it is not a zip archive"), "\(refused.stderr)")
        let csv = try daemon.file("items.csv", Data("unit,title,deadline\ncounty-a,T,2027-01-01\n".utf8))
        let sheetOnCSV = try daemon.ctl(["import", "items", csv, "--sheet", "台账"])
        #expect(sheetOnCSV.status == 64 && sheetOnCSV.stderr.contains("--sheet applies to an .xlsx workbook"))
        #expect(try items(daemon).isEmpty)
    }
}
