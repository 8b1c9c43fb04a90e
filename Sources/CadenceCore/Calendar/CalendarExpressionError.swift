/// Why a calendar expression was rejected. Positions are 1-based character offsets into the
/// expression as written.
public enum CalendarExpressionError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case unexpectedCharacter(Character, position: Int, expected: String)
    case unexpectedEnd(position: Int, expected: String)
    case badWeekday(String, position: Int, reason: String)
    case numberTooLarge(String, position: Int)
    case zeroRepetition(position: Int)
    case subSecondRangeWithoutRepetition(position: Int)
    case outOfRange(field: CalendarField, value: String, range: String)
    case repetitionTooLarge(field: CalendarField, value: String)
    case badTimestamp(String, position: Int)
    /// A time-zone suffix that is not in the tz database (`Asia/Shangai`).
    case unknownZone(String, position: Int)

    public var description: String {
        switch self {
        case .empty:
            "the expression is empty"
        case let .unexpectedCharacter(character, position, expected):
            "unexpected '\(character)' at position \(position), expected \(expected)"
        case let .unexpectedEnd(position, expected):
            "the expression ends at position \(position), expected \(expected)"
        case let .badWeekday(word, position, reason):
            "'\(word)' at position \(position): \(reason)"
        case let .numberTooLarge(number, position):
            "the number '\(number)' at position \(position) is too large"
        case let .zeroRepetition(position):
            "the repetition at position \(position) is zero"
        case let .subSecondRangeWithoutRepetition(position):
            "the seconds range at position \(position) is shorter than one second; give a repetition ('/')"
        case let .outOfRange(field, value, range):
            "\(field) '\(value)' is out of range \(range)"
        case let .repetitionTooLarge(field, value):
            "\(field) '\(value)': the repetition never repeats within the \(field)'s range"
        case let .badTimestamp(text, position):
            "'\(text)' at position \(position) is not a valid UNIX timestamp for a calendar event"
        case let .unknownZone(name, position):
            "the time zone '\(name)' at position \(position) is unknown (no such zone in the tz database)"
        }
    }
}

/// The fields of a calendar expression, as named in error messages.
public enum CalendarField: String, Sendable, CustomStringConvertible {
    case year, month, day, hour, minute, second

    public var description: String { rawValue }
}

extension CalendarExpressionError {
    /// The 1-based position in the expression the error points at, when it points at one.
    public var position: Int? {
        switch self {
        case .empty, .outOfRange, .repetitionTooLarge: nil
        case let .unexpectedCharacter(_, position, _), let .unexpectedEnd(position, _),
            let .badWeekday(_, position, _), let .numberTooLarge(_, position), let .zeroRepetition(position),
            let .subSecondRangeWithoutRepetition(position), let .badTimestamp(_, position),
            let .unknownZone(_, position):
            position
        }
    }
}
