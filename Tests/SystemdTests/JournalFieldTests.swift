import Testing

@testable import Systemd

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Journal field names")
struct JournalFieldTests {
    @Test(
        "Names journald accepts are kept as given",
        arguments: ["MESSAGE", "CADENCED_ITEM", "A", "X1_2", String(repeating: "N", count: 64)]
    )
    func validNames(name: String) throws {
        let field = try JournalField(name: name, value: "v")
        #expect(field.name == name)
    }

    // Bad input tried: each name below — a leading underscore, lower case, a hyphen, empty, a leading
    // digit, 65 characters, a non-ASCII letter, an `=`.
    @Test(
        "Names journald would drop or owns are refused with EINVAL",
        arguments: ["_X", "lower", "A-B", "", "1ABC", String(repeating: "N", count: 65), "ÄRGER", "A=B"]
    )
    func invalidNames(name: String) {
        #expect(throws: SystemdError(operation: "use '\(name)' as a journal field name", code: EINVAL)) {
            try JournalField(name: name, value: "v")
        }
    }

    @Test("Values keep newlines and arbitrary bytes")
    func valuesAreBytes() throws {
        let field = try JournalField(name: "DATA", bytes: [0, 10, 255, 61])
        #expect(field.serialized == Array("DATA=".utf8) + [0, 10, 255, 61])
        #expect(try JournalField(name: "TEXT", value: "a\nb").value == Array("a\nb".utf8))
    }

    @Test(
        "Any key is sanitised into a valid name",
        arguments: [
            ("CADENCED_notice.kind", "CADENCED_NOTICE_KIND"), ("_private", "X_PRIVATE"), ("", "X"),
            ("9lives", "X9LIVES"), ("über-key", "X_BER_KEY"),
        ]
    )
    func sanitizes(key: String, expected: String) {
        #expect(JournalField.sanitizedName(key) == expected)
        #expect(JournalField.isValidName(JournalField.sanitizedName(key)))
    }

    @Test("A sanitised name is cut to 64 characters")
    func sanitizedLength() {
        let name = JournalField.sanitizedName(String(repeating: "k", count: 100))
        #expect(name == String(repeating: "K", count: 64))
    }
}
