import CadenceCore
import Foundation

extension XLSX {
    /// A workbook of one sheet: the first row bold (the header), columns wide enough for their
    /// text, every cell a string (as typed: a date `2026-10-31` stays that text).
    public static func write(sheet name: String, rows: [[String]]) throws(ZipError) -> [UInt8] {
        func escape(_ text: String) -> String {
            var out = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
                default:
                    // XML 1.0 has no other control characters.
                    if scalar.value >= 0x20 && !(0xFFFE...0xFFFF).contains(scalar.value) {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out
        }
        func reference(_ column: Int, _ row: Int) -> String {
            var letters = ""
            var n = column + 1
            while n > 0 {
                letters = String(UnicodeScalar(UInt8(65 + (n - 1) % 26))) + letters
                n = (n - 1) / 26
            }
            return letters + String(row)
        }
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 8, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() {
                // East Asian characters take two columns.
                let width =
                    cell.split(separator: "\n").map { line in
                        line.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x2E80 ? 2 : 1) }
                    }.max() ?? 0
                widths[index] = min(max(widths[index], width + 2), 60)
            }
        }
        var sheet =
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
            + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        if columns > 0 {
            sheet += "<cols>"
            for (index, width) in widths.enumerated() {
                sheet += "<col min=\"\(index + 1)\" max=\"\(index + 1)\" width=\"\(width)\" customWidth=\"1\"/>"
            }
            sheet += "</cols>"
        }
        sheet += "<sheetData>"
        for (rowIndex, row) in rows.enumerated() {
            sheet += "<row r=\"\(rowIndex + 1)\">"
            for (column, cell) in row.enumerated() where !cell.isEmpty {
                sheet +=
                    "<c r=\"\(reference(column, rowIndex + 1))\" t=\"inlineStr\"\(rowIndex == 0 ? " s=\"1\"" : "")>"
                    + "<is><t xml:space=\"preserve\">\(escape(cell))</t></is></c>"
            }
            sheet += "</row>"
        }
        sheet += "</sheetData></worksheet>"
        let main = "http://schemas.openxmlformats.org"
        let contentTypes =
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
            + "<Types xmlns=\"\(main)/package/2006/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
            + "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
            + "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
            + "</Types>"
        let rootRelations =
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
            + "<Relationships xmlns=\"\(main)/package/2006/relationships\">"
            + "<Relationship Id=\"rId1\" Type=\"\(main)/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
            + "</Relationships>"
        let workbook =
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
            + "<workbook xmlns=\"\(main)/spreadsheetml/2006/main\" xmlns:r=\"\(main)/officeDocument/2006/relationships\">"
            + "<sheets><sheet name=\"\(escape(name))\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
        let workbookRelations =
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
            + "<Relationships xmlns=\"\(main)/package/2006/relationships\">"
            + "<Relationship Id=\"rId1\" Type=\"\(main)/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
            + "<Relationship Id=\"rId2\" Type=\"\(main)/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
            + "</Relationships>"
        let styles =
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
            + "<styleSheet xmlns=\"\(main)/spreadsheetml/2006/main\">"
            + "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"宋体\"/></font>"
            + "<font><b/><sz val=\"11\"/><name val=\"宋体\"/></font></fonts>"
            + "<fills count=\"1\"><fill><patternFill patternType=\"none\"/></fill></fills>"
            + "<borders count=\"1\"><border/></borders>"
            + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
            + "<cellXfs count=\"2\"><xf numFmtId=\"49\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
            + "<xf numFmtId=\"49\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/></cellXfs>"
            + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
            + "</styleSheet>"
        return try ZipArchive.write([
            ("[Content_Types].xml", Array(contentTypes.utf8)), ("_rels/.rels", Array(rootRelations.utf8)),
            ("xl/workbook.xml", Array(workbook.utf8)), ("xl/_rels/workbook.xml.rels", Array(workbookRelations.utf8)),
            ("xl/styles.xml", Array(styles.utf8)), ("xl/worksheets/sheet1.xml", Array(sheet.utf8)),
        ])
    }
}
