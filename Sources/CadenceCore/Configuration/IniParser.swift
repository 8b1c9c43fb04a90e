/// One `Key=Value` line of a systemd-style INI file, with the section it sits in and where it was written.
public struct IniAssignment: Hashable, Sendable {
    public var section: String
    public var key: String
    /// The value with surrounding whitespace removed; empty for a reset (`Key=`).
    public var value: String
    public var location: SourceLocation

    public init(section: String, key: String, value: String, location: SourceLocation) {
        self.section = section
        self.key = key
        self.value = value
        self.location = location
    }
}

/// A `[Section]` header as written, kept so that an empty unknown section is still reported.
public struct IniSectionHeader: Hashable, Sendable {
    public var name: String
    public var location: SourceLocation
}

/// The named text of one configuration file, as the loader read it.
public struct IniSource: Hashable, Sendable {
    /// The file name as given to the loader (relative or absolute); used in error messages.
    public var fileName: String
    public var text: String

    public init(fileName: String, text: String) {
        self.fileName = fileName
        self.text = text
    }
}

/// One parsed file: its section headers and assignments in file order.
public struct IniDocument: Hashable, Sendable {
    public var fileName: String
    public var sections: [IniSectionHeader]
    public var assignments: [IniAssignment]
}

/// Parses systemd's configuration dialect (`man systemd.syntax`) into assignments.
///
/// Rules, as systemd's `config_parse()` applies them:
/// - lines are trimmed; empty lines and lines starting with `#` or `;` are comments;
/// - `[Name]` starts a section; sections may repeat and continue the earlier one;
/// - `Key=Value` splits at the first `=`; key and value are trimmed; keys may repeat;
/// - a line ending in an odd number of backslashes continues on the next line: the backslash
///   becomes a space and the next line is appended without its leading whitespace; comment
///   lines inside a continuation are skipped; the assignment keeps its first line's number.
public enum IniParser {
    /// Parses one file. Throws every syntax error found, as ``ConfigurationError/multiple(_:)`` when more than one.
    public static func parse(_ source: IniSource) throws(ConfigurationError) -> IniDocument {
        var sections: [IniSectionHeader] = []
        var assignments: [IniAssignment] = []
        var errors: [ConfigurationError] = []
        var currentSection: String?
        // After a malformed header, its assignments are not reported again as outside a section.
        var inMalformedSection = false
        var pending: (text: String, line: Int)?

        func handle(_ text: String, line: Int) {
            let at = SourceLocation(file: source.fileName, line: line)
            if text.hasPrefix("[") {
                guard text.hasSuffix("]"), text.count > 2 else {
                    errors.append(.malformedSectionHeader(at, line: text))
                    currentSection = nil
                    inMalformedSection = true
                    return
                }
                let name = String(text.dropFirst().dropLast())
                guard name.trimmingWhitespace() == name, !name.contains("["), !name.contains("]") else {
                    errors.append(.malformedSectionHeader(at, line: text))
                    currentSection = nil
                    inMalformedSection = true
                    return
                }
                sections.append(IniSectionHeader(name: name, location: at))
                currentSection = name
                inMalformedSection = false
                return
            }
            guard let equals = text.firstIndex(of: "=") else {
                errors.append(.missingEquals(at, line: text))
                return
            }
            let key = String(text[..<equals]).trimmingWhitespace()
            let value = String(text[text.index(after: equals)...]).trimmingWhitespace()
            guard !key.isEmpty else {
                errors.append(.emptyKey(at, line: text))
                return
            }
            guard let section = currentSection else {
                if !inMalformedSection { errors.append(.assignmentOutsideSection(at, line: text)) }
                return
            }
            assignments.append(IniAssignment(section: section, key: key, value: value, location: at))
        }

        var lineNumber = 0
        // "\r\n" is one Character in Swift, so it is split on explicitly.
        let lines = source.text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for rawLine in lines {
            lineNumber += 1
            var line = String(rawLine)
            if line.hasSuffix("\r") { line.removeLast() }
            let trimmed = line.trimmingWhitespace()
            if let first = trimmed.first, first == "#" || first == ";" { continue }
            if pending == nil && trimmed.isEmpty { continue }

            let continues = trimmed.trailingBackslashCount % 2 == 1
            let content = continues ? String(trimmed.dropLast()) + " " : trimmed
            if var open = pending {
                open.text += content
                pending = open
            } else {
                pending = (content, lineNumber)
            }
            if !continues, let complete = pending {
                pending = nil
                let text = complete.text.trimmingWhitespace()
                if !text.isEmpty { handle(text, line: complete.line) }
            }
        }
        // A file ending inside a continuation: systemd takes what it has.
        if let complete = pending {
            let text = complete.text.trimmingWhitespace()
            if !text.isEmpty { handle(text, line: complete.line) }
        }
        try ConfigurationError.throwIfAny(errors)
        return IniDocument(fileName: source.fileName, sections: sections, assignments: assignments)
    }

    /// Parses a main file and its drop-ins into one ordered configuration.
    ///
    /// Drop-ins are applied after the main file in lexical order of their file names (the last path
    /// component, byte order, as systemd sorts `*.conf.d/`), so later assignments win.
    /// Errors from all files are reported together.
    public static func parse(main: IniSource?, dropIns: [IniSource]) throws(ConfigurationError) -> IniConfiguration {
        let sortedDropIns = dropIns.sorted {
            $0.fileName.baseName.utf8.lexicographicallyPrecedes($1.fileName.baseName.utf8)
        }
        let ordered = (main.map { [$0] } ?? []) + sortedDropIns
        var documents: [IniDocument] = []
        var errors: [ConfigurationError] = []
        for source in ordered {
            do { documents.append(try parse(source)) } catch { errors.append(error) }
        }
        try ConfigurationError.throwIfAny(errors)
        return IniConfiguration(documents: documents)
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and newlines (systemd's WHITESPACE).
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }

    /// The last path component (`a/b/10-x.conf` → `10-x.conf`).
    var baseName: String {
        guard let slash = lastIndex(of: "/") else { return self }
        return String(self[index(after: slash)...])
    }

    var trailingBackslashCount: Int { reversed().prefix(while: { $0 == "\\" }).count }
}
