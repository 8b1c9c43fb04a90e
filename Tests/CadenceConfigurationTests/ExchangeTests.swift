import CadenceConfiguration
import CadenceCore
import Foundation
import Testing

@Suite("Spreadsheet exchange: text encodings and CSV")
struct ExchangeTests {
    // MARK: - Text encodings

    private static let iconvPath = "/usr/bin/iconv"
    private static let hasIconv = FileManager.default.isExecutableFile(atPath: iconvPath)

    /// The system's `iconv -f UTF-8 -t <target>` over `text` on stdin: a reference independent of our code.
    private func systemIconv(_ text: String, to target: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.iconvPath)
        process.arguments = ["-f", "UTF-8", "-t", target]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // The inputs here are far below a pipe's buffer, so writing everything before reading cannot block.
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "iconv -t \(target) failed")
        return [UInt8](bytes)
    }

    /// UTF-16 code units of `text` as bytes, built here rather than by the encoder under test.
    private func utf16Bytes(_ text: String, bigEndian: Bool, bom: Bool) -> [UInt8] {
        let units = (bom ? [0xFEFF] : []) + Array(text.utf16)
        return units.flatMap { unit in
            let high = UInt8(unit >> 8)
            let low = UInt8(unit & 0xFF)
            return bigEndian ? [high, low] : [low, high]
        }
    }

    private func decodeError(_ bytes: [UInt8], as choice: TextEncodingChoice = .auto) -> SpreadsheetTextError? {
        do {
            _ = try SpreadsheetText.decode(bytes, as: choice)
            return nil
        } catch {
            return error
        }
    }

    @Test(
        "System iconv's GB18030 (Simplified, Traditional, €, 4-byte 㐀 𠀀) decodes back; our encoder matches it",
        .enabled(if: hasIconv, "/usr/bin/iconv not found; it writes the reference GB18030 bytes"))
    func gb18030MatchesSystemIconv() throws {
        // The reference really uses 4-byte sequences for U+20000 and U+3400, and the 2-byte A2E3 for €.
        #expect(
            try systemIconv("𠀀㐀€", to: "GB18030") == [0x95, 0x32, 0x82, 0x36, 0x81, 0x39, 0xEE, 0x39, 0xA2, 0xE3])
        let text =
            "名称,单位,截止日期,备注\r\n示例縣衛生局,Unit Alpha,2025-03-31,€ 12 㐀 𠀀\r\n"
            + "示例县卫生局,Unit Beta,2025-06-30,繁體與简体\r\n"
        let reference = try systemIconv(text, to: "GB18030")

        let detected = try SpreadsheetText.decode(reference)
        #expect(detected.encoding == "gb18030")
        #expect(detected.text == text)
        #expect(try SpreadsheetText.decode(reference, as: .gb18030).text == text)
        #expect(try SpreadsheetText.decode(Data(reference)).text == text)
        #expect(try SpreadsheetText.encode(text, as: .gb18030) == reference)
        // GB18030 has no byte order mark that spreadsheets know: the flag changes nothing.
        #expect(try SpreadsheetText.encode(text, as: .gb18030, bom: true) == reference)

        let table = try CSV.table(CSV.parse(detected.text))
        #expect(table.header == ["名称", "单位", "截止日期", "备注"])
        #expect(table.rows.map(\.fields[0]) == ["示例縣衛生局", "示例县卫生局"])
        #expect(table.rows.map(\.line) == [2, 3])
    }

    @Test("UTF-8 with a byte order mark loses the mark; UTF-8 without one is detected as UTF-8")
    func decodesUTF8() throws {
        let text = "名称,单位\n示例縣衛生局,Unit Alpha 𠀀\n"
        let plain = try SpreadsheetText.decode(Array(text.utf8))
        #expect(plain.text == text)
        #expect(plain.encoding == "utf-8")

        let marked = try SpreadsheetText.decode([0xEF, 0xBB, 0xBF] + Array(text.utf8))
        #expect(marked.text == text)
        #expect(marked.encoding == "utf-8-bom")
        #expect(try SpreadsheetText.decode([0xEF, 0xBB, 0xBF] + Array(text.utf8), as: .utf8).text == text)
        #expect(try SpreadsheetText.encode(text, as: .utf8, bom: true) == [0xEF, 0xBB, 0xBF] + Array(text.utf8))
        #expect(try SpreadsheetText.encode(text, as: .utf8, bom: false) == Array(text.utf8))

        let empty = try SpreadsheetText.decode([])
        #expect(empty.text.isEmpty)
        #expect(empty.encoding == "utf-8")
    }

    @Test("Excel's Unicode text (UTF-16LE with a mark, tab-delimited) and UTF-16BE with a mark decode and parse")
    func decodesUTF16() throws {
        let text = "名称\t单位\r\n示例縣衛生局\tUnit Alpha 𠀀\r\n"
        let little = utf16Bytes(text, bigEndian: false, bom: true)
        let decoded = try SpreadsheetText.decode(little)
        #expect(decoded.text == text)
        #expect(decoded.encoding == "utf-16le")
        #expect(
            try CSV.parse(decoded.text, delimiter: "\t").map(\.fields) == [
                ["名称", "单位"], ["示例縣衛生局", "Unit Alpha 𠀀"],
            ])

        let big = try SpreadsheetText.decode(utf16Bytes(text, bigEndian: true, bom: true))
        #expect(big.text == text)
        #expect(big.encoding == "utf-16be")
        // An explicit choice without a mark means little-endian, as Windows writes it.
        #expect(try SpreadsheetText.decode(utf16Bytes(text, bigEndian: false, bom: false), as: .utf16).text == text)
        #expect(try SpreadsheetText.encode(text, as: .utf16, bom: true) == little)
    }

    @Test("Invalid GB18030 bytes (81 20) on line 3 are reported with the line and the byte offset")
    func reportsInvalidGB18030() throws {
        // Line 1 "name,unit", line 2 "中,x" in GB18030 (d6 d0) ending in CRLF, line 3 "ok," then 81 20.
        let bytes =
            Array("name,unit\n".utf8) + [0xD6, 0xD0] + Array(",x\r\nok,".utf8) + [0x81, 0x20] + Array("z\n".utf8)
        let explicit = try #require(decodeError(bytes, as: .gb18030))
        #expect(explicit.description == "line 3: bytes at offset 19 are not valid GB18030 (81 20)")
        #expect(explicit.line == 3)
        #expect(explicit.offset == 19)
        // Detection gets further with GB18030 than with UTF-8 (which stops at d6 d0), so GB18030 is reported.
        let detected = try #require(decodeError(bytes))
        #expect(
            detected.description
                == "line 3: bytes at offset 19 are not valid GB18030 (81 20); the input is not UTF-8 either "
                + "(as UTF-8 it fails sooner, at line 2, offset 10)")

        // A lone CR ends a line too: "a" CR, "b" CRLF, then ff on line 3.
        let lone = try #require(decodeError(Array("a\rb\r\n".utf8) + [0xFF], as: .gb18030))
        #expect(lone.description == "line 3: bytes at offset 5 are not valid GB18030 (ff)")
    }

    @Test("GB18030 cut in the middle of a character at the end (d6 of 中, or 3 of the 4 bytes of 𠀀) names the line")
    func reportsTruncatedGB18030() throws {
        let twoByte = Array("name\n".utf8) + [0xD6, 0xD0, 0x0A, 0xD6]
        let cut = try #require(decodeError(twoByte, as: .gb18030))
        #expect(
            cut.description
                == "line 3: bytes at offset 8 are an incomplete GB18030 character at the end of the input (d6)"
        )
        #expect(try #require(decodeError(twoByte)).description.hasPrefix("line 3: bytes at offset 8 are an incomplete"))

        let fourByte = Array("x\n".utf8) + [0xD6, 0xD0, 0x95, 0x32, 0x82]
        let cutFour = try #require(decodeError(fourByte, as: .gb18030))
        #expect(
            cutFour.description
                == "line 2: bytes at offset 4 are an incomplete GB18030 character at the end of the input (95 32 82)")
    }

    @Test("Invalid UTF-8, a UTF-8 mark read as GB18030, and broken UTF-16 are errors with line and offset")
    func reportsOtherInvalidText() throws {
        // e4 b8 starts a 3-byte character but "x" follows.
        let utf8 = try #require(decodeError(Array("a\nb\n".utf8) + [0xE4, 0xB8] + Array("x".utf8), as: .utf8))
        #expect(utf8.description == "line 3: bytes at offset 4 are not valid UTF-8 (e4 b8 78)")
        let truncated = try #require(decodeError([0xEF, 0xBB, 0xBF] + Array("ok\n".utf8) + [0xE4, 0xB8]))
        #expect(
            truncated.description
                == "line 2: bytes at offset 6 are an incomplete UTF-8 character at the end of the input (e4 b8)")

        // Detection: valid UTF-8 Chinese up to a stray ff on line 3 is reported as broken UTF-8, not as GB18030.
        let mostlyUTF8 = Array("名称,单位\n示例縣衛生局,Unit Alpha\n".utf8) + [0xFF] + Array("x\n".utf8)
        let detected = try #require(decodeError(mostlyUTF8))
        #expect(
            detected.description.hasPrefix(
                "line 3: bytes at offset 44 are not valid UTF-8 (ff); the input is not GB18030 either (as GB18030 it fails at line "
            ))

        let marked = try #require(decodeError([0xEF, 0xBB, 0xBF] + Array("名称".utf8), as: .gb18030))
        #expect(
            marked.description
                == "line 1: the input starts with a UTF-8 byte order mark (ef bb bf): it is UTF-8, not GB18030")

        // "A" then an odd final byte.
        let odd = try #require(decodeError([0xFF, 0xFE, 0x41, 0x00, 0x42]))
        #expect(
            odd.description
                == "line 1: bytes at offset 4 are an incomplete UTF-16LE character at the end of the input (42)")
        // LF, then a high surrogate followed by "A" instead of a low surrogate.
        let unpaired = try #require(decodeError([0xFF, 0xFE, 0x0A, 0x00, 0x00, 0xD8, 0x41, 0x00]))
        #expect(unpaired.description == "line 2: bytes at offset 4 are not valid UTF-16LE (00 d8 41 00)")
    }

    // MARK: - CSV reading

    private func records(_ text: String, delimiter: Unicode.Scalar = ",") throws -> [String] {
        try CSV.parse(text, delimiter: delimiter).map { "\($0.line):\($0.fields)" }
    }

    private func parseError(_ text: String) -> String? {
        do {
            _ = try CSV.parse(text)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("Quoted fields keep commas and doubled quotes; a Chinese header reads as written")
    func readsQuotedFields() throws {
        let text = "名称,备注,数量\r\n\"示例縣衛生局, 第二科\",\"他说\"\"好\"\"\",3\r\n\"\",\"\"\"\",\r\n"
        #expect(
            try CSV.parse(text) == [
                CSVRecord(line: 1, fields: ["名称", "备注", "数量"]),
                CSVRecord(line: 2, fields: ["示例縣衛生局, 第二科", "他说\"好\"", "3"]),
                CSVRecord(line: 3, fields: ["", "\"", ""]),
            ])
    }

    @Test("Line breaks inside quotes (LF, CRLF, lone CR) advance the line numbers of the records after them")
    func countsEmbeddedLineBreaks() throws {
        let text = "id,note\n1,\"line one\nline two\"\n2,after\n3,\"a\r\nb\rc\"\n4,end"
        #expect(
            try records(text) == [
                "1:[\"id\", \"note\"]", "2:[\"1\", \"line one\\nline two\"]", "4:[\"2\", \"after\"]",
                "5:[\"3\", \"a\\r\\nb\\rc\"]", "8:[\"4\", \"end\"]",
            ])
    }

    @Test("CRLF, lone CR and LF all end lines; blank lines are skipped but counted; a final break adds nothing")
    func readsLineEndsAndBlankLines() throws {
        #expect(
            try records("a,b\r\n\r\nc,d\r\re,f\n\n\ng,h\n") == [
                "1:[\"a\", \"b\"]", "3:[\"c\", \"d\"]", "5:[\"e\", \"f\"]", "8:[\"g\", \"h\"]",
            ])
        #expect(try records("").isEmpty)
        #expect(try records("\n\r\n\r").isEmpty)
        #expect(try records("a") == ["1:[\"a\"]"])
        #expect(try records("a,\n") == ["1:[\"a\", \"\"]"])
        #expect(try records(",\n") == ["1:[\"\", \"\"]"])
        // A quoted empty field is a record, not a blank line; spaces are kept as written.
        #expect(try records("\"\"\n  \n") == ["1:[\"\"]", "2:[\"  \"]"])
        // A leading byte order mark is not part of the first field.
        #expect(try records("\u{FEFF}名称;单位", delimiter: ";") == ["1:[\"名称\", \"单位\"]"])
    }

    @Test("An unterminated quote is reported at the line where it opens")
    func reportsUnterminatedQuote() {
        #expect(
            parseError("名称,备注\n示例,\"未闭合\n第三行\n第四行")
                == "line 2: quoted field 2 is never closed (a closing quote is missing)")
    }

    @Test("A stray quote in an unquoted field (d\"e, or a space before the opening quote) is an error on its line")
    func reportsStrayQuote() {
        let reason = "a quote inside unquoted field 2 (quote the whole field and double each quote in it)"
        #expect(parseError("a,b\nc,d\"e\n") == "line 2: " + reason)
        #expect(parseError("a, \"b\"") == "line 1: " + reason)
    }

    @Test("Text after a closing quote (\"b\"c) is an error on the line of the closing quote")
    func reportsTextAfterClosingQuote() {
        let reason =
            "text after the closing quote of field 2 (a quoted field must end at the delimiter or the end of the line)"
        #expect(parseError("a,\"b\"c\n") == "line 1: " + reason)
        #expect(parseError("h\na,\"x\ny\"z") == "line 3: " + reason)
    }

    // MARK: - Tables

    private func tableErrors(_ text: String) throws -> [String] {
        let records = try CSV.parse(text)
        do {
            _ = try CSV.table(records)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test("A table trims header names (ideographic spaces too) and returns the rows with their lines")
    func readsTable() throws {
        let table = try CSV.table(CSV.parse("\u{3000}名称 ,单位\t\n示例縣衛生局,Unit Alpha\n\n示例县卫生局, Unit Beta \n"))
        #expect(table.header == ["名称", "单位"])
        #expect(
            table.rows == [
                CSVRecord(line: 2, fields: ["示例縣衛生局", "Unit Alpha"]),
                CSVRecord(line: 4, fields: ["示例县卫生局", " Unit Beta "]),
            ])
        let headerOnly = try CSV.table(CSV.parse("名称,单位\r\n"))
        #expect(headerOnly.header == ["名称", "单位"])
        #expect(headerOnly.rows.isEmpty)
    }

    @Test("Every ragged row (2 fields on line 3, 4 on line 6 after a multi-line field, 1 on line 7) is reported")
    func reportsEveryRaggedRow() throws {
        let text = "名称,单位,截止日期\n示例縣衛生局,Unit Alpha,2025-03-31\n示例县,Unit Beta\n\"多行\n备注\",x,y\nA,B,C,D\nonly\n"
        #expect(
            try tableErrors(text) == [
                "line 3: 2 fields, the header has 3", "line 6: 4 fields, the header has 3",
                "line 7: 1 field, the header has 3",
            ])
        let records = try CSV.parse(text)
        do {
            _ = try CSV.table(records)
            Issue.record("ragged rows were accepted")
        } catch {
            #expect(error.errors.map(\.line) == [3, 6, 7])
            #expect(error.description.split(separator: "\n").count == 3)
        }
    }

    @Test("A duplicate header name (' 名称 ' twice after trimming) and an empty one are reported with the rows")
    func reportsDuplicateHeader() throws {
        #expect(
            try tableErrors(" 名称 ,单位,名称,\nx,y,z,w\nshort\n") == [
                "line 1: header '名称' appears twice (columns 1 and 3)", "line 1: header column 4 has no name",
                "line 3: 1 field, the header has 4",
            ])
    }

    @Test("An empty file (nothing, or only blank lines) is not a table")
    func rejectsEmptyFile() throws {
        #expect(try tableErrors("") == ["the file is empty (a header line is needed)"])
        #expect(try tableErrors("\r\n\n") == ["the file is empty (a header line is needed)"])
    }

    // MARK: - CSV writing

    @Test("Fields are quoted only when needed: delimiter, quote, CR, LF, or a space or tab at either end")
    func quotesOnlyWhenNeeded() {
        let rows = [
            ["名称", "a,b", "say \"hi\""], [" lead", "trail ", "x\ny"], ["plain", "", "r\rx"], [""], ["in side", "a;b"],
        ]
        #expect(
            CSV.format(rows)
                == "名称,\"a,b\",\"say \"\"hi\"\"\"\r\n\" lead\",\"trail \",\"x\ny\"\r\nplain,,\"r\rx\"\r\n\"\"\r\n"
                + "in side,a;b\r\n")
        #expect(CSV.format([["a;b", "c,d"]], delimiter: ";", lineEnding: "\n") == "\"a;b\";c,d\n")
        #expect(CSV.format([]).isEmpty)
    }

    @Test("Formula-like fields (=, +, -, @, TAB, CR first) get a leading ' unless escapeFormulas is false")
    func escapesFormulas() throws {
        let row = ["=SUM(A1:A2)", "+1+2", "-3+4", "@cmd", "\tx", "\rx", "-5", "+3.25", "-.5", "-", "a=b", "=1,2"]
        let escaped = CSV.format([row])
        #expect(
            escaped
                == "'=SUM(A1:A2),'+1+2,'-3+4,'@cmd,'\tx,\"'\rx\",-5,+3.25,-.5,'-,a=b,\"'=1,2\"\r\n")
        // Reading does not remove the guard.
        #expect(try CSV.parse(escaped).first?.fields[0] == "'=SUM(A1:A2)")

        let raw = CSV.format([row], escapeFormulas: false)
        #expect(raw == "=SUM(A1:A2),+1+2,-3+4,@cmd,\"\tx\",\"\rx\",-5,+3.25,-.5,-,a=b,\"=1,2\"\r\n")
        #expect(try CSV.parse(raw).first?.fields == row)
    }

    /// SplitMix64: the same "random" rows on every run.
    private struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((mixed ^ (mixed >> 31)) % UInt64(bound))
        }
    }

    @Test(
        "Generated fields (quotes, delimiters, CR, LF, CRLF, edge spaces, tabs, Chinese, empty) survive format+parse",
        arguments: [(Unicode.Scalar(","), "\r\n"), (";", "\n"), ("\t", "\r")])
    func roundTrips(delimiter: Unicode.Scalar, lineEnding: String) throws {
        let pieces = [
            "a", "Z9", " ", ",", ";", "\t", "\"", "\"\"", "\n", "\r\n", "\r", "示例縣衛生局", "单位", "𠀀", "=", "-", "'", "é",
        ]
        var generator = Generator(state: 2025)
        var rows: [[String]] = []
        for _ in 0..<300 {
            let width = 1 + generator.next(6)
            rows.append(
                (0..<width).map { _ in
                    (0..<generator.next(6)).map { _ in pieces[generator.next(pieces.count)] }.joined()
                })
        }
        let text = CSV.format(rows, delimiter: delimiter, lineEnding: lineEnding, escapeFormulas: false)
        let parsed = try CSV.parse(text, delimiter: delimiter)
        #expect(parsed.map(\.fields) == rows)
        // Line numbers advance by the line breaks written inside fields.
        #expect(parsed.first?.line == 1)
        #expect(zip(parsed, parsed.dropFirst()).allSatisfy { $0.line < $1.line })
    }
}
