import Foundation
import Testing

/// Poppler's tools, which read a PDF as a person does: its pages as text and as pictures.
private enum Poppler {
    static let pdftotext = BinaryRunner.which("pdftotext")
    static let pdftoppm = BinaryRunner.which("pdftoppm")
    static let pdfinfo = BinaryRunner.which("pdfinfo")
    static var installed: Bool { pdftotext != nil && pdftoppm != nil && pdfinfo != nil }
}

/// A grey picture read from a binary PGM (`P5`): width, height and one byte per pixel.
private struct GreyPage {
    var width: Int
    var height: Int
    var pixels: [UInt8]

    init?(_ data: Data) {
        let bytes = [UInt8](data)
        // "P5" WS width WS height WS maxval single-WS pixels
        var fields: [Int] = []
        var index = 2
        while fields.count < 3, index < bytes.count {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A { index += 1 }
            var value = 0
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                value = value * 10 + Int(bytes[index] - 0x30)
                index += 1
            }
            fields.append(value)
        }
        guard bytes.starts(with: [0x50, 0x35]), fields.count == 3, index < bytes.count else { return nil }
        (width, height) = (fields[0], fields[1])
        pixels = Array(bytes[(index + 1)...])
        guard pixels.count >= width * height else { return nil }
    }

    /// The share of dark pixels (ink) in the rows `rows` (fractions of the height).
    func ink(rows: ClosedRange<Double>, columns: ClosedRange<Double> = 0...1) -> Double {
        let r0 = Int(rows.lowerBound * Double(height))
        let r1 = min(height - 1, Int(rows.upperBound * Double(height)))
        let c0 = Int(columns.lowerBound * Double(width))
        let c1 = min(width - 1, Int(columns.upperBound * Double(width)))
        var dark = 0
        for row in r0...r1 {
            for column in c0...c1 where pixels[row * width + column] < 128 { dark += 1 }
        }
        return Double(dark) / Double((r1 - r0 + 1) * (c1 - c0 + 1))
    }
}

extension CtlDaemon {
    fileprivate convenience init() throws { try self.init(name: "print") }
}

@Suite("The printed ledger (整改台账): per unit, A4, page numbers, a signature line")
struct LedgerPrintTests {
    /// 甲县 with 45 items (numbered as in its sheet, some overdue, one closed), a township centre
    /// under it with 2, and 乙县 with 1 that is not printed for 甲县.
    private func office() throws -> CtlDaemon {
        let daemon = try CtlDaemon()
        try daemon.succeed(["units", "add", "city", "--name", "示例市卫生健康委", "--kind", "city-direct"])
        for (id, name, kind, parent) in [
            ("county-a", "甲县卫生健康局", "county-bureau", "city"), ("county-b", "乙县卫生健康局", "county-bureau", "city"),
            ("town-a", "甲县城关卫生院", "township", "county-a"),
        ] {
            try daemon.succeed(["units", "add", id, "--name", name, "--kind", kind, "--parent", parent])
        }
        for unit in ["county-a", "county-b", "town-a"] {
            try daemon.succeed(["role", "assign", unit, "first", "局长示例"])
        }
        var sheet = "甲县卫生健康局整改台账\n序号,单位,问题,整改措施,整改时限,主要责任人,直接责任人,备注\n"
        for n in 1...45 {
            let deadline = n <= 5 ? "2026/1/\(n + 10)" : "2099年6月30日"
            sheet += "\(n),甲县卫生健康局,第\(n)号问题：值班制度未落实到科室,建立值班台账并每周抽查,\(deadline),副局长示例,科长示例,\n"
        }
        sheet += "1,甲县城关卫生院,药品库房管理不规范,重新划分库区,2099-03-31,院长示例,,\n"
        sheet += "2,甲县城关卫生院,院感培训记录缺失,补训并存档,2099-04-30,院长示例,,\n"
        sheet += "1,乙县卫生健康局,乙县专有的问题,整改,2099-05-31,,,\n"
        try daemon.succeed(["import", "items", try daemon.file("sheet.csv", Data(sheet.utf8))])
        try daemon.succeed(["item", "rectified", "6", "--note", "已建立值班台账"])
        try daemon.succeed(["item", "close", "6", "--by", "验收人示例"])
        return daemon
    }

    @Test(
        "A PDF of 甲县's ledger: A4 landscape pages numbered 第 N 页 共 M 页, heading and columns on the first, each unit on its own pages, signed at the end",
        .enabled(if: Poppler.installed, "poppler-utils is not installed (scripts/deps installs it)"),
        .enabled(
            if: BinaryRunner.which("chromium") != nil,
            "Chromium is not installed (Debian: apt-get install chromium; scripts/deps installs it)"))
    func pdfPages() throws {
        let daemon = try office()
        let pdf = daemon.root + "/台账.pdf"
        let printed = try daemon.succeed(["ledger", "print", "--unit", "county-a", "-o", pdf])
        #expect(printed.stderr.contains("Printed 47 items of 2 units"), "\(printed.stderr)")

        let info = try BinaryRunner.run(Poppler.pdfinfo!, [pdf])
        let pages = try #require(
            info.stdout.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap {
                Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces))
            }, "\(info.stdout)")
        #expect(pages >= 3, "45 rows and a second unit fill more than two pages: \(pages)")
        // A4 landscape: 842 × 595 points, give or take a rounding.
        let size = info.stdout.split(separator: "\n").first { $0.hasPrefix("Page size:") }.map {
            $0.split(separator: " ").compactMap { Double($0) }
        }
        #expect(size.map { $0.count == 2 && abs($0[0] - 842) < 1 && abs($0[1] - 595) < 1 } == true, "\(info.stdout)")

        let shanghai = TimeZone(identifier: "Asia/Shanghai")!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = shanghai
        let today = calendar.dateComponents([.year, .month, .day], from: Date())
        var texts: [String] = []
        for page in 1...pages {
            let text = try BinaryRunner.run(
                Poppler.pdftotext!, ["-f", "\(page)", "-l", "\(page)", "-layout", pdf, "-"]
            ).stdout
            texts.append(text)
            // pdftotext drops the spaces between Chinese characters.
            let squeezed = text.filter { !$0.isWhitespace }
            #expect(squeezed.contains("第\(page)页共\(pages)页"), "page \(page): \(text.suffix(200))")
            #expect(
                text.contains("序号") && text.contains("整改时限") && text.contains("验收人"), "page \(page) has the header row")
            #expect(!text.contains("乙县"), "乙县 is not under 甲县")
        }
        let first = texts[0]
        #expect(first.contains("甲县卫生健康局整改台账"))
        // The date may turn over between the print and this line, only at midnight.
        #expect(
            first.contains("截至 \(today.year!)年\(today.month!)月") && first.contains("共 45 项"), "\(first.prefix(400))")
        for column in ["序号", "问题", "整改措施", "责任人", "整改时限", "完成情况", "销号日期", "验收人", "备注"] {
            #expect(first.contains(column), "\(column)")
        }
        #expect(first.contains("逾期") && first.contains("2026-01-11"))
        let all = texts.joined(separator: "\n")
        // A narrow column wraps a name: its first characters are on the row's line.
        #expect(all.contains("已销号") && all.contains("验收人示"))
        #expect(all.contains("第45号问题"))
        // 甲县 ends with its signature line; the township centre starts a page of its own.
        let township = try #require(texts.firstIndex { $0.contains("甲县城关卫生院整改台账") })
        #expect(township > 0 && texts[township - 1].contains("填表人"))
        #expect(!texts[township].contains("第45号问题"))
        #expect(texts[pages - 1].contains("填表人") && texts[pages - 1].contains("药品库房管理不规范"))

        // As pictures: landscape pages with ink in the heading, the table and the page number.
        let prefix = daemon.root + "/page"
        let raster = try BinaryRunner.run(Poppler.pdftoppm!, ["-gray", "-r", "40", pdf, prefix])
        #expect(raster.status == 0, "\(raster.stderr)")
        let images = try FileManager.default.contentsOfDirectory(atPath: daemon.root).filter {
            $0.hasPrefix("page") && $0.hasSuffix(".pgm")
        }.sorted()
        #expect(images.count == pages)
        for (number, name) in images.enumerated() {
            let image = try #require(GreyPage(try Data(contentsOf: URL(fileURLWithPath: daemon.root + "/" + name))))
            #expect(
                abs(Double(image.width) / Double(image.height) - 842.0 / 595.0) < 0.02, "\(image.width)×\(image.height)"
            )
            #expect(image.ink(rows: 0.05...0.9) > 0.02, "page \(number + 1) has its table")
            #expect(image.ink(rows: 0.95...0.99, columns: 0.4...0.6) > 0.002, "page \(number + 1) has its number")
            #expect(
                image.ink(rows: 0.95...0.99, columns: 0...0.3) == 0, "page \(number + 1): nothing but the number below")
        }
    }

    // Bad input tried: a unit nobody has, an output directory that does not exist, a browser that
    // is not there.
    @Test("The HTML page and the refusals: an unknown unit, an unwritable file, no browser")
    func htmlAndRefusals() throws {
        let daemon = try office()
        let html = try daemon.succeed(["ledger", "print"]).stdout
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("@page { size: A4 landscape"))
        for name in ["甲县卫生健康局整改台账", "乙县卫生健康局整改台账", "甲县城关卫生院整改台账"] {
            #expect(html.contains(name), "\(name)")
        }
        #expect(html.components(separatedBy: "<tr data-item=").count - 1 == 48)
        #expect(html.contains("class=\"overdue\""))

        let unknown = try daemon.ctl(["ledger", "print", "--unit", "county-z", "-o", daemon.root + "/x.pdf"])
        #expect(unknown.status == 3 && unknown.stderr.contains("county-z"), "\(unknown.status) \(unknown.stderr)")
        let nowhere = try daemon.ctl(["ledger", "print", "-o", daemon.root + "/no/such/dir/台账.html"])
        #expect(nowhere.status == 73 && nowhere.stderr.contains("cannot write"), "\(nowhere.stderr)")
        let noBrowser = try daemon.ctl([
            "ledger", "print", "--chromium", "/nonexistent/chromium", "-o", daemon.root + "/x.pdf",
        ])
        #expect(noBrowser.status == 69 && noBrowser.stderr.contains("cannot start"), "\(noBrowser.stderr)")
        #expect(!FileManager.default.fileExists(atPath: daemon.root + "/x.pdf"))
    }
}
