/// Parses the `OnCalendar=` grammar exactly as systemd 252's `calendar_spec_from_string()`,
/// with an error that says where and why instead of `-EINVAL`.
struct CalendarSpecParser {
    let bytes: [UInt8]
    var index = 0
    var spec = CalendarSpec()

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static func parse(_ text: String, zones: ZoneDatabase) throws(CalendarExpressionError) -> CalendarSpec {
        do {
            return try parseWithZone(text, zones: zones)
        } catch {
            // "Sun 16:00 Asia/Shangai": the expression is fine but for a zone the database lacks.
            // Say so, rather than what the parser expected where the unknown name begins.
            if let space = text.utf8.lastIndex(of: UInt8(ascii: " ")) {
                let name = String(text[text.index(after: space)...])
                let head = String(text[..<space])
                // Zone names begin with a capital letter (Asia/Shanghai, UTC, Japan).
                if let first = name.utf8.first, first >= 65, first <= 90,
                    ZoneDatabase.hasValidSpelling(name), zones.zone(named: name) == nil,
                    (try? parseWithZone(head, zones: zones)) != nil
                {
                    throw .unknownZone(name, position: head.utf8.count + 2)
                }
            }
            throw error
        }
    }

    static func parseWithZone(_ text: String, zones: ZoneDatabase) throws(CalendarExpressionError)
        -> CalendarSpec
    {
        var body = Array(text.utf8)
        var zone = CalendarZone.local
        // The zone suffix comes first: " UTC" in any case, else a tz database name after the last space.
        if body.count >= 4, String(decoding: body.suffix(4), as: UTF8.self).lowercased() == " utc" {
            zone = .utc
            body.removeLast(4)
        } else if let space = body.lastIndex(of: UInt8(ascii: " ")) {
            let name = String(decoding: body[(space + 1)...], as: UTF8.self)
            if let timeZone = zones.zone(named: name) {
                zone = .named(name, timeZone)
                body.removeSubrange(space...)
            }
        }
        guard !body.isEmpty else { throw .empty }

        var parser = CalendarSpecParser(body)
        parser.spec.zone = zone
        if !parser.parseShorthand() {
            try parser.parseWeekdays()
            if try parser.parseDate() == .dateAndTime {
                try parser.parseTime()
            }
            if parser.index < body.count {
                throw .unexpectedCharacter(parser.current, position: parser.index + 1, expected: "the end")
            }
        }
        parser.spec.normalize()
        try parser.spec.validate()
        return parser.spec
    }

    // MARK: - Cursor

    func byte(at offset: Int = 0) -> UInt8 {
        index + offset < bytes.count ? bytes[index + offset] : 0
    }

    var current: Character {
        guard index < bytes.count else { return "\0" }
        let scalar = Unicode.Scalar(bytes[index])
        return bytes[index] < 0x80 ? Character(scalar) : "\u{FFFD}"
    }

    var atEnd: Bool { index >= bytes.count }

    func unexpected(_ expected: String) -> CalendarExpressionError {
        atEnd
            ? .unexpectedEnd(position: index + 1, expected: expected)
            : .unexpectedCharacter(current, position: index + 1, expected: expected)
    }

    mutating func skipSpaces() {
        while byte() == UInt8(ascii: " ") { index += 1 }
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    // MARK: - Shorthands

    static let shorthands: [(names: [String], apply: @Sendable (inout CalendarSpec) -> Void)] = [
        (["minutely"], { $0.second = [.value(0)] }),
        (
            ["hourly"],
            {
                $0.minute = [.value(0)]; $0.second = [.value(0)]
            }
        ),
        (["daily"], { $0.setMidnight() }),
        (
            ["monthly"],
            {
                $0.day = [.value(1)]; $0.setMidnight()
            }
        ),
        (
            ["annually", "yearly", "anually"],
            {
                $0.month = [.value(1)]; $0.day = [.value(1)]; $0.setMidnight()
            }
        ),
        (
            ["weekly"],
            {
                $0.weekdays = 1; $0.setMidnight()
            }
        ),
        (
            ["quarterly"],
            {
                $0.month = [1, 4, 7, 10].map(CalendarComponent.value); $0.day = [.value(1)]; $0.setMidnight()
            }
        ),
        (
            ["biannually", "bi-annually", "semiannually", "semi-annually"],
            {
                $0.month = [.value(1), .value(7)]; $0.day = [.value(1)]; $0.setMidnight()
            }
        ),
    ]

    mutating func parseShorthand() -> Bool {
        let word = String(decoding: bytes, as: UTF8.self).lowercased()
        guard let entry = Self.shorthands.first(where: { $0.names.contains(word) }) else { return false }
        entry.apply(&spec)
        return true
    }

    // MARK: - Weekdays

    static let weekdayNames: [(String, Int)] = [
        ("monday", 0), ("mon", 0), ("tuesday", 1), ("tue", 1), ("wednesday", 2), ("wed", 2),
        ("thursday", 3), ("thu", 3), ("friday", 4), ("fri", 4), ("saturday", 5), ("sat", 5),
        ("sunday", 6), ("sun", 6),
    ].map { (name, number) in (name, number) }

    func hasPrefixIgnoringCase(_ word: String) -> Bool {
        let w = Array(word.utf8)
        guard index + w.count <= bytes.count else { return false }
        for k in 0..<w.count {
            var b = bytes[index + k]
            if b >= 65 && b <= 90 { b += 32 }
            if b != w[k] { return false }
        }
        return true
    }

    /// `parse_weekdays()`: `Mon`, `Mon,Wed`, `Mon..Fri`, `Mon-Fri`, full names, any case.
    mutating func parseWeekdays() throws(CalendarExpressionError) {
        var rangeStart = -1
        var first = true
        while true {
            guard let (name, number) = Self.weekdayNames.first(where: { hasPrefixIgnoringCase($0.0) }) else {
                if first { return }
                throw unexpected("a weekday (Mon…Sun)")
            }
            let wordStart = index
            let after = byte(at: name.utf8.count)
            guard [0, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: " ")].contains(after)
            else {
                var end = index
                while end < bytes.count, ![UInt8(ascii: " "), UInt8(ascii: ",")].contains(bytes[end]) { end += 1 }
                throw .badWeekday(
                    String(decoding: bytes[index..<end], as: UTF8.self), position: index + 1,
                    reason: "not a weekday (Mon…Sun, or Monday…Sunday)")
            }
            spec.weekdays = max(spec.weekdays, 0) | (1 << number)
            if rangeStart >= 0 {
                if rangeStart > number {
                    throw .badWeekday(
                        String(decoding: bytes[wordStart..<(wordStart + name.utf8.count)], as: UTF8.self),
                        position: wordStart + 1, reason: "a weekday range must run forward, from Monday to Sunday")
                }
                for j in (rangeStart + 1)..<max(number, rangeStart + 1) { spec.weekdays |= 1 << j }
            }
            index += name.utf8.count

            if atEnd { return }
            if byte() == UInt8(ascii: " ") {
                skipSpaces()
                return
            }
            if byte() == UInt8(ascii: ".") {
                guard rangeStart < 0 else { throw unexpected("',' or ' ' after a weekday range") }
                guard byte(at: 1) == UInt8(ascii: ".") else {
                    index += 1
                    throw unexpected("'.' (a weekday range is written 'Mon..Fri')")
                }
                rangeStart = number
                index += 2
            } else if byte() == UInt8(ascii: "-") {
                guard rangeStart < 0 else { throw unexpected("',' or ' ' after a weekday range") }
                rangeStart = number
                index += 1
            } else if byte() == UInt8(ascii: ",") {
                rangeStart = -1
                index += 1
            }
            // A trailing comma is allowed, an open range is not.
            if atEnd || byte() == UInt8(ascii: " ") {
                if rangeStart >= 0 { throw unexpected("the weekday that ends the range") }
                skipSpaces()
                return
            }
            first = false
        }
    }

    // MARK: - Numbers and lists

    /// `parse_component_decimal()`: digits, and for seconds an optional fraction (up to 6
    /// digits, rounded on the 7th, further digits ignored). Seconds come back in microseconds.
    mutating func parseDecimal(usec: Bool) throws(CalendarExpressionError) -> Int {
        let start = index
        guard Self.isDigit(byte()) else { throw unexpected("a number") }
        var value = 0
        var overflow = false
        while Self.isDigit(byte()) {
            if value <= Int(Int32.max) { value = value * 10 + Int(byte() - 48) } else { overflow = true }
            index += 1
        }
        let tooLarge = CalendarExpressionError.numberTooLarge(
            String(decoding: bytes[start..<index], as: UTF8.self), position: start + 1)
        if overflow { throw tooLarge }
        if usec {
            value *= CalendarSpec.microsecondsPerSecond
            // One '.' is a decimal point, '..' a range.
            if byte() == UInt8(ascii: ".") && byte(at: 1) != UInt8(ascii: ".") {
                index += 1
                guard Self.isDigit(byte()) else { throw unexpected("a digit after the decimal point") }
                var fraction = 0
                var digits = 0
                while digits < 6 {
                    if Self.isDigit(byte()) {
                        fraction = fraction * 10 + Int(byte() - 48)
                        index += 1
                    } else {
                        fraction *= 10
                    }
                    digits += 1
                }
                if Self.isDigit(byte()) && byte() >= UInt8(ascii: "5") { fraction += 1 }
                while Self.isDigit(byte()) { index += 1 }
                value += fraction
            }
        }
        guard value <= Int(Int32.max) else {
            throw .numberTooLarge(String(decoding: bytes[start..<index], as: UTF8.self), position: start + 1)
        }
        return value
    }

    /// `parse_chain()`: `*`, or a comma-separated list of values, ranges and repetitions.
    mutating func parseChain(usec: Bool) throws(CalendarExpressionError) -> [CalendarComponent]? {
        if byte() == UInt8(ascii: "*") {
            index += 1
            return usec ? [CalendarComponent(start: 0, stop: -1, repetition: CalendarSpec.microsecondsPerSecond)] : nil
        }
        var chain: [CalendarComponent] = []
        while true {
            guard chain.count <= CalendarSpec.maximumComponents else {
                throw unexpected("at most \(CalendarSpec.maximumComponents + 1) list elements")
            }
            let elementStart = index
            let start = try parseDecimal(usec: usec)
            var stop = -1
            var repetition = 0
            if byte() == UInt8(ascii: ".") && byte(at: 1) == UInt8(ascii: ".") {
                index += 2
                stop = try parseDecimal(usec: usec)
                repetition = usec ? CalendarSpec.microsecondsPerSecond : 1
            }
            if byte() == UInt8(ascii: "/") {
                index += 1
                let repetitionStart = index
                repetition = try parseDecimal(usec: usec)
                if repetition == 0 { throw .zeroRepetition(position: repetitionStart + 1) }
            } else if usec && stop >= 0 && start + repetition > stop {
                // A range of seconds shorter than the default one-second step never repeats.
                throw .subSecondRangeWithoutRepetition(position: elementStart + 1)
            }
            let separators: [UInt8] = [
                0, UInt8(ascii: " "), UInt8(ascii: ","), UInt8(ascii: "-"),
                UInt8(ascii: "~"), UInt8(ascii: ":"),
            ]
            guard separators.contains(byte()) else { throw unexpected("',', '..', '/' or the next field") }
            chain.append(CalendarComponent(start: start, stop: stop, repetition: repetition))
            guard byte() == UInt8(ascii: ",") else { return chain }
            index += 1
        }
    }
}

extension CalendarComponent {
    static func value(_ v: Int) -> CalendarComponent { CalendarComponent(start: v, stop: -1, repetition: 0) }
}

extension CalendarSpec {
    mutating func setMidnight() {
        hour = [.value(0)]
        minute = [.value(0)]
        second = [.value(0)]
    }
}
