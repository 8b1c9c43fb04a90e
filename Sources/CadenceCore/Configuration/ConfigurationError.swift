/// A configuration file that cannot be used, with the place and the offending input.
///
/// Descriptions read `file:line: reason` with user input in single quotes. ``multiple(_:)``
/// carries every error found in one load, one per line, so an administrator fixes them all at once.
public enum ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    case assignmentOutsideSection(SourceLocation, line: String)
    case missingEquals(SourceLocation, line: String)
    case emptyKey(SourceLocation, line: String)
    case malformedSectionHeader(SourceLocation, line: String)
    case unknownSection(SourceLocation, section: String)
    case unknownKey(SourceLocation, section: String, key: String)
    case missingKey(SourceLocation, section: String, key: String)
    case badValue(SourceLocation, key: String, value: String, reason: String)
    case invalid(SourceLocation, reason: String)
    case unreadable(SourceLocation, reason: String)
    case multiple([ConfigurationError])

    /// All single errors, flattening ``multiple(_:)``.
    public var errors: [ConfigurationError] {
        if case let .multiple(list) = self { return list.flatMap(\.errors) }
        return [self]
    }

    /// Where the error is; nil for ``multiple(_:)``.
    public var location: SourceLocation? {
        switch self {
        case let .assignmentOutsideSection(at, _), let .missingEquals(at, _), let .emptyKey(at, _),
            let .malformedSectionHeader(at, _), let .unknownSection(at, _), let .unknownKey(at, _, _),
            let .missingKey(at, _, _), let .badValue(at, _, _, _), let .invalid(at, _), let .unreadable(at, _):
            at
        case .multiple: nil
        }
    }

    /// Throws nothing for no errors, the error itself for one, ``multiple(_:)`` for several: files in
    /// the order they were read, each file's errors in line order (the file as a whole first).
    public static func throwIfAny(_ errors: [ConfigurationError]) throws(ConfigurationError) {
        var fileOrder: [String: Int] = [:]
        let flat = errors.flatMap(\.errors).enumerated().map { index, error in
            let file = error.location?.file ?? ""
            if fileOrder[file] == nil { fileOrder[file] = fileOrder.count }
            return (file: fileOrder[file]!, line: error.location?.line ?? 0, index: index, error: error)
        }
        .sorted { ($0.file, $0.line, $0.index) < ($1.file, $1.line, $1.index) }
        .map(\.error)
        if flat.count == 1 { throw flat[0] }
        if !flat.isEmpty { throw .multiple(flat) }
    }

    public var description: String {
        switch self {
        case let .assignmentOutsideSection(at, line):
            "\(at): assignment '\(line)' is outside of any section"
        case let .missingEquals(at, line):
            "\(at): line '\(line)' is neither a [Section] header nor a Key=Value assignment (missing '=')"
        case let .emptyKey(at, line):
            "\(at): assignment '\(line)' has no key before '='"
        case let .malformedSectionHeader(at, line):
            "\(at): section header '\(line)' is malformed (expected '[Name]')"
        case let .unknownSection(at, section):
            "\(at): unknown section '[\(section)]'"
        case let .unknownKey(at, section, key):
            "\(at): unknown key '\(key)' in section '[\(section)]'"
        case let .missingKey(at, section, key):
            "\(at): section '[\(section)]' needs a '\(key)=' assignment"
        case let .badValue(at, key, value, reason):
            "\(at): \(key)= '\(value)' \(reason)"
        case let .invalid(at, reason):
            "\(at): \(reason)"
        case let .unreadable(at, reason):
            "\(at): cannot be read: \(reason)"
        case let .multiple(list):
            list.map(\.description).joined(separator: "\n")
        }
    }
}
