#if canImport(Glibc)
    import Glibc
#endif

/// One `NAME=value` field of a journal entry, with a name journald accepts.
///
/// journald silently drops fields whose names it does not accept, and names starting with `_` are
/// trusted fields it sets itself (`man systemd.journal-fields`), so a bad name is refused here, before
/// anything is sent. Values are bytes: they may contain newlines and need not be UTF-8.
public struct JournalField: Sendable, Hashable, CustomStringConvertible {
    /// The longest field name journald accepts (`JOURNAL_FIELD_NAME_MAX` is 64 in systemd).
    public static let maximumNameLength = 64

    /// The field name: `A`–`Z`, `0`–`9` and `_`, starting with a letter, at most 64 characters.
    public let name: String
    /// The value's bytes, sent as they are.
    public let value: [UInt8]

    /// Makes a field with a text value, sent as UTF-8.
    ///
    /// - Throws: ``SystemdError`` with `EINVAL` when `name` is not a valid journal field name.
    public init(name: String, value: String) throws {
        try self.init(name: name, bytes: Array(value.utf8))
    }

    /// Makes a field whose value is arbitrary bytes.
    ///
    /// - Throws: ``SystemdError`` with `EINVAL` when `name` is not a valid journal field name.
    public init(name: String, bytes: [UInt8]) throws {
        guard Self.isValidName(name) else {
            throw SystemdError(operation: "use '\(name)' as a journal field name", code: EINVAL)
        }
        self.name = name
        self.value = bytes
    }

    /// The value as text, with invalid UTF-8 repaired.
    public var text: String { String(decoding: value, as: UTF8.self) }

    /// `NAME=value`, as journalctl would show it.
    public var description: String { "\(name)=\(text)" }

    /// Whether journald accepts `name` as a field name set by a client.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        // journald's journal_field_valid(): `_` starts trusted fields it sets itself, and no name starts
        // with a digit.
        guard let first = bytes.first, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first),
            bytes.count <= maximumNameLength
        else {
            return false
        }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
        }
    }

    /// Turns any key (a swift-log metadata key, say) into a valid field name.
    ///
    /// Letters are upper-cased, every other character that a name may not hold becomes `_`, a name that
    /// would be empty or not start with a letter gets an `X` in front, and the result is cut to 64 characters:
    /// `cadenced_notice.kind` becomes `CADENCED_NOTICE_KIND`.
    public static func sanitizedName(_ key: String) -> String {
        var name = String(
            key.unicodeScalars.map { scalar -> Character in
                switch scalar {
                case "a"..."z": Character(String(scalar).uppercased())
                case "A"..."Z", "0"..."9", "_": Character(scalar)
                default: "_"
                }
            }
        )
        if !(name.first.map { ("A"..."Z").contains($0) } ?? false) { name = "X" + name }
        return String(name.prefix(maximumNameLength))
    }

    /// A field whose name is valid by construction (a constant, or from ``sanitizedName(_:)``).
    init(trusted name: String, value: String) {
        assert(Self.isValidName(name), "'\(name)' is not a valid journal field name")
        self.name = name
        self.value = Array(value.utf8)
    }

    /// The bytes journald receives for this field: `NAME=value`.
    var serialized: [UInt8] { Array(name.utf8) + [UInt8(ascii: "=")] + value }
}
