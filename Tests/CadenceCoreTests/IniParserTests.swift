import CadenceCore
import Testing

@Suite("systemd INI parser")
struct IniParserTests {
    private func parse(_ text: String, file: String = "a.conf") throws(ConfigurationError) -> IniDocument {
        try IniParser.parse(IniSource(fileName: file, text: text))
    }

    @Test("Sections, trimmed keys and values, comments and blank lines are read as systemd reads them")
    func readsAssignments() throws {
        let document = try parse(
            """
            # comment
            ; another comment
            [Daemon]
              TimeZone = Asia/Shanghai\t

            [Ledger]
            WarnBeforeSec=7d
            WarnBeforeSec=
            Empty=
            """)
        #expect(
            document.assignments.map { "\($0.section).\($0.key)=\($0.value)@\($0.location.line)" } == [
                "Daemon.TimeZone=Asia/Shanghai@4", "Ledger.WarnBeforeSec=7d@7", "Ledger.WarnBeforeSec=@8",
                "Ledger.Empty=@9",
            ])
        #expect(document.sections.map(\.name) == ["Daemon", "Ledger"])
    }

    @Test("A trailing backslash joins the next line with a space and skips comment lines inside")
    func joinsContinuations() throws {
        let document = try parse("[S]\nKey=one \\\n# ignored\n    two\\\nthree\nOther=x\r\n")
        #expect(document.assignments.map(\.value) == ["one  two three", "x"])
        #expect(document.assignments.map(\.location.line) == [2, 6])
    }

    @Test("A value keeps '=' after the first one and '#' inside it")
    func keepsEqualsAndHashInValue() throws {
        let document = try parse("[S]\nDescription=a=b # not a comment")
        #expect(document.assignments.first?.value == "a=b # not a comment")
    }

    @Test(
        "Each malformed line is reported with file:line and the line in quotes",
        arguments: [
            ("Key=v", "a.conf:1: assignment 'Key=v' is outside of any section"),
            (
                "[S]\njust words",
                "a.conf:2: line 'just words' is neither a [Section] header nor a Key=Value assignment (missing '=')"
            ),
            ("[S]\n=value", "a.conf:2: assignment '=value' has no key before '='"),
            ("[S", "a.conf:1: section header '[S' is malformed (expected '[Name]')"),
            ("[]", "a.conf:1: section header '[]' is malformed (expected '[Name]')"),
        ])
    func reportsMalformedLines(text: String, message: String) {
        #expect(throws: ConfigurationError.self) { try parse(text) }
        do {
            _ = try parse(text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("All errors of a file are reported together, one per line")
    func reportsAllErrors() {
        // Bad input: two broken lines in one file.
        #expect {
            try parse("[S]\nbroken\nalso broken")
        } throws: { error in
            (error as? ConfigurationError)?.errors.count == 2
        }
    }

    @Test("Drop-ins apply after the main file in lexical order; the last single value wins")
    func dropInsApplyInLexicalOrder() throws {
        let configuration = try IniParser.parse(
            main: IniSource(fileName: "main.conf", text: "[S]\nKey=main\nList=a"),
            dropIns: [
                IniSource(fileName: "d/20-b.conf", text: "[S]\nKey=twenty\nList=c"),
                IniSource(fileName: "d/10-a.conf", text: "[S]\nKey=ten\nList=b"),
            ])
        #expect(configuration.last("S", "Key")?.value == "twenty")
        #expect(configuration.last("S", "Key")?.location == SourceLocation(file: "d/20-b.conf", line: 2))
        #expect(configuration.list("S", "List")?.map(\.value) == ["a", "b", "c"])
    }

    @Test("An empty assignment resets a list; a never-assigned list is nil so its default applies")
    func emptyAssignmentResetsList() throws {
        let configuration = try IniParser.parse(
            main: IniSource(fileName: "m", text: "[S]\nList=a\nList=\nList=b"), dropIns: [])
        #expect(configuration.list("S", "List")?.map(\.value) == ["b"])
        #expect(configuration.list("S", "Other") == nil)
    }

    @Test("Unknown sections and keys are reported at their own lines")
    func reportsUnknownNames() throws {
        // Bad input: a misspelt key and a made-up section.
        let configuration = try IniParser.parse(
            main: IniSource(fileName: "m.conf", text: "[S]\nKey=1\nKye=2\n[Nope]\nKey=3"), dropIns: [])
        let errors = configuration.unknownNames(schema: IniSchema(["S": ["Key": .single]]))
        #expect(
            errors.map(\.description) == [
                "m.conf:4: unknown section '[Nope]'", "m.conf:3: unknown key 'Kye' in section '[S]'",
            ])
    }
}

@Suite("systemd time spans")
struct TimeSpanTests {
    @Test(
        "Spans in systemd.time syntax parse to their length",
        arguments: [
            ("90s", 90.0), ("90", 90), ("1h 30min", 5_400), ("1h30min", 5_400), ("7d", 604_800), ("2w", 1_209_600),
            ("1.5h", 5_400), ("500ms", 0.5), ("1 min", 60), ("1y", 31_557_600), ("1M", 2_629_800),
            ("3 days 2hours", 266_400),
        ] as [(String, Double)])
    func parsesSpans(text: String, seconds: Double) {
        #expect(TimeSpan.parse(text) == .milliseconds(Int64(seconds * 1000)))
    }

    @Test(
        "Text that is not a span is refused",
        arguments: ["", "d", "7 fortnights", "-1h", "1.h", "1h x", "99999999999999999d"])
    func refusesBadSpans(text: String) {
        #expect(TimeSpan.parse(text) == nil)
    }

    @Test("Spans are printed the way systemd prints them")
    func formatsSpans() {
        #expect(TimeSpan.format(.seconds(694_800)) == "1w 1d 1h")
        #expect(TimeSpan.format(.zero) == "0")
        #expect(TimeSpan.format(.milliseconds(1_500)) == "1s 500ms")
    }
}
