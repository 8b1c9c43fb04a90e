import CadenceConfiguration
import CadenceCore
import Foundation
import Testing

/// A workbook as Excel writes one: shared strings (one with rich-text runs and a phonetic guide,
/// one with a CRLF break escaped as _x000D_), a date style of the built-in list (14) and a custom
/// Chinese one, cells without references, a boolean, a formula's cached text, a long decimal.
private func excelLikeWorkbook() throws -> [UInt8] {
    let main = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
    let strings = """
        <?xml version="1.0" encoding="UTF-8"?>
        <sst \(main) count="5" uniqueCount="5"><si><t>单位</t></si><si><t>问题</t></si>
        <si><r><rPr><b/></rPr><t>台</t></r><r><t xml:space="preserve">账 &amp; 记录</t></r><rPh sb="0" eb="1"><t>tái</t></rPh></si>
        <si><t>第一行_x000D_
        第二行</t></si><si><t>整改时限</t></si></sst>
        """
    let styles = """
        <styleSheet \(main)><numFmts count="3"><numFmt numFmtId="164" formatCode="General"/>
        <numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>
        <numFmt numFmtId="177" formatCode="yyyy/m/d h:mm"/></numFmts>
        <cellXfs count="6"><xf numFmtId="164"/><xf numFmtId="14"/><xf numFmtId="176"/><xf numFmtId="2"/>
        <xf numFmtId="177"/><xf numFmtId="164"/></cellXfs></styleSheet>
        """
    let sheet = """
        <worksheet \(main)><sheetData>
        <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="D1" t="s"><v>4</v></c></row>
        <row r="3"><c t="s"><v>2</v></c><c t="s"><v>3</v></c><c r="D3" s="1"><v>46477</v></c><c r="E3" t="b"><v>1</v></c></row>
        <row r="4"><c r="A4" t="str"><f>A3&amp;""</f><v>公式的值</v></c><c r="B4" s="3"><v>0.30000000000000004</v></c><c r="D4" s="2"><v>46477.5</v></c><c r="E4" s="4"><v>46477.5</v></c><c r="F4" s="5"><v>12</v></c></row>
        </sheetData></worksheet>
        """
    let workbook = """
        <workbook \(main) xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
        <sheets><sheet name="说明" sheetId="1" r:id="rId1"/><sheet name="台账" sheetId="2" r:id="rId2"/></sheets></workbook>
        """
    let relations = """
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
        <Relationship Id="rId1" Target="worksheets/notes.xml"/><Relationship Id="rId2" Target="/xl/worksheets/ledger.xml"/></Relationships>
        """
    let notes =
        "<worksheet \(main)><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>说明</t></is></c></row></sheetData></worksheet>"
    return try ZipArchive.write([
        ("xl/workbook.xml", Array(workbook.utf8)), ("xl/_rels/workbook.xml.rels", Array(relations.utf8)),
        ("xl/sharedStrings.xml", Array(strings.utf8)), ("xl/styles.xml", Array(styles.utf8)),
        ("xl/worksheets/notes.xml", Array(notes.utf8)), ("xl/worksheets/ledger.xml", Array(sheet.utf8)),
    ])
}

@Suite(".xlsx workbooks: the zip container and the sheet's cells")
struct XLSXTests {
    @Test("Cells read as the program shows them: shared and rich strings, dates by their style, numbers to 15 digits")
    func readsCells() throws {
        let bytes = try excelLikeWorkbook()
        #expect(XLSX.looksLikeXLSX(bytes))
        let ledger = try XLSX.read(bytes, sheet: "台账")
        #expect(ledger.name == "台账" && ledger.sheetNames == ["说明", "台账"])
        #expect(
            ledger.rows == [
                XLSXSheet.Row(number: 1, cells: ["单位", "问题", "", "整改时限"]),
                XLSXSheet.Row(number: 3, cells: ["台账 & 记录", "第一行\n第二行", "", "2027-03-31", "TRUE"]),
                // A date style shows the day whatever time the cell holds; one with hours shows both;
                // General (LibreOffice declares it as a format of its own) shows the number.
                XLSXSheet.Row(number: 4, cells: ["公式的值", "0.3", "", "2027-03-31", "2027-03-31 12:00", "12"]),
            ])
        #expect(try XLSX.read(bytes).rows == [XLSXSheet.Row(number: 1, cells: ["说明"])], "the first sheet by default")
        // The CSV for an import keeps each record's sheet row, a two-line cell taking two lines.
        let (text, rows) = XLSX.csv(ledger)
        #expect(rows == [1: 1, 2: 3, 4: 4], "\(rows)")
        let records = try CSV.parse(text)
        #expect(records.map(\.line) == [1, 2, 4] && records.allSatisfy { $0.fields.count == 6 })
    }

    @Test("A workbook written is read back cell for cell: Chinese, line breaks, markup characters, a leading =")
    func roundTrip() throws {
        let rows = [
            ["序号", "单位", "问题", "整改时限"], ["1", "county-a", "<值班> & \"制度\"\n第二行", "2027-03-31"],
            ["2", "乙县", "=SUM(A1)", ""], ["", "", "", "2027年5月31日"],
        ]
        let sheet = try XLSX.read(try XLSX.write(sheet: "items", rows: rows))
        #expect(sheet.name == "items")
        #expect(sheet.rows.map(\.number) == [1, 2, 3, 4])
        #expect(sheet.rows.map(\.cells) == [rows[0], rows[1], ["2", "乙县", "=SUM(A1)"], rows[3]])
    }

    // Bad input tried: random bytes, a zip cut short, an encrypted member, a zip that is no
    // workbook, a sheet name that is not there, a member that does not inflate.
    @Test("What is not a readable workbook is refused with the reason")
    func refusesDamage() throws {
        func reason(_ bytes: [UInt8], sheet: String? = nil) -> String {
            do {
                _ = try XLSX.read(bytes, sheet: sheet)
                return "read"
            } catch { return error.description }
        }
        let good = try excelLikeWorkbook()
        #expect(reason(Array("序号,单位\n".utf8)) == "it is not a zip archive (an .xlsx file is one)")
        #expect(reason(Array(good.prefix(good.count / 2))).contains("no central directory"))
        #expect(reason(good, sheet: "汇总") == "the workbook has no sheet '汇总'; its sheets: 说明, 台账")
        let notBook = try ZipArchive.write([("word/document.xml", Array("<w/>".utf8))])
        #expect(reason(notBook).contains("not an .xlsx workbook"))
        var encrypted = good
        // The central directory's flags of the first member: bit 0, encrypted.
        let directory = (0..<(good.count - 4)).last { good[$0..<($0 + 4)] == [0x50, 0x4b, 0x01, 0x02] }!
        let first = (0..<(good.count - 4)).first { good[$0..<($0 + 4)] == [0x50, 0x4b, 0x01, 0x02] }!
        #expect(first <= directory)
        encrypted[first + 8] |= 1
        #expect(reason(encrypted).contains("encrypted"))
        var garbled = good
        // The first member's deflated data, just after its local header and name.
        let nameLength = Int(good[26]) | Int(good[27]) << 8
        for i in (30 + nameLength)..<(30 + nameLength + 8) { garbled[i] ^= 0xFF }
        #expect(reason(garbled).contains("does not inflate"))
    }

    @Test("Date formats: the built-in ones and codes with a year or a day, not those with only quotes or hours")
    func dateFormats() {
        #expect(XLSX.isDateFormat(id: 14, code: nil) && XLSX.isDateFormat(id: 58, code: nil))
        #expect(XLSX.isDateFormat(id: 176, code: "yyyy\"年\"m\"月\"d\"日\""))
        #expect(XLSX.isDateFormat(id: 177, code: "[$-zh-CN]dd/mm/yyyy"))
        #expect(!XLSX.isDateFormat(id: 178, code: "0.00\"天\""))
        #expect(!XLSX.isDateFormat(id: 179, code: "\"day\" 0"))
        #expect(!XLSX.isDateFormat(id: 2, code: nil))
        #expect(!XLSX.isDateFormat(id: 164, code: "General") && !XLSX.isDateFormat(id: 20, code: nil))
        #expect(XLSX.dateStyle(id: 177, code: "yyyy/m/d h:mm") == .dateTime)
        #expect(XLSX.dateStyle(id: 22, code: nil) == .dateTime && XLSX.dateStyle(id: 14, code: nil) == .date)
        #expect(XLSX.dateText(serial: 25_569) == "1970-01-01" && XLSX.dateText(serial: 46_477.25) == "2027-03-31 06:00")
        #expect(XLSX.dateText(serial: 0) == nil)
    }
}
