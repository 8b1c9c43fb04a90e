extension CalendarSpecParser {
    // MARK: - Date and time

    enum DateResult { case dateAndTime, timestampOnly }

    /// `parse_date()`: `Y-M-D`, `M-D`, `~` for days from the end of the month, or `@SECONDS`.
    mutating func parseDate() throws(CalendarExpressionError) -> DateResult {
        if atEnd { return .dateAndTime }
        if byte() == UInt8(ascii: "@") { try parseTimestamp(); return .timestampOnly }

        let start = index
        let first = try parseChain(usec: false)
        // Already the end, or a ':'? Then this was a time, not a date.
        if atEnd || byte() == UInt8(ascii: ":") {
            index = start
            return .dateAndTime
        }
        try parseDateSeparator()
        let second = try parseChain(usec: false)
        if atEnd || byte() == UInt8(ascii: " ") {
            skipSpaces()
            spec.month = first
            spec.day = second
            return .dateAndTime
        }
        if spec.endOfMonth { throw unexpected("' ' or the end: '~' must separate month and day") }
        try parseDateSeparator()
        let third = try parseChain(usec: false)
        guard atEnd || byte() == UInt8(ascii: " ") else { throw unexpected("' ' or the end after the date") }
        skipSpaces()
        spec.year = first
        spec.month = second
        spec.day = third
        return .dateAndTime
    }

    mutating func parseDateSeparator() throws(CalendarExpressionError) {
        if byte() == UInt8(ascii: "~") {
            spec.endOfMonth = true
        } else if byte() != UInt8(ascii: "-") {
            throw unexpected("'-' or '~' between date fields, or ':' in a time")
        }
        index += 1
    }

    /// `@SECONDS`: one instant, in UTC. Parsed like `strtoul()`: leading spaces and a sign pass.
    mutating func parseTimestamp() throws(CalendarExpressionError) {
        let start = index
        index += 1
        while byte() == UInt8(ascii: " ") || (byte() >= 9 && byte() <= 13) { index += 1 }
        var negative = false
        if byte() == UInt8(ascii: "+") || byte() == UInt8(ascii: "-") {
            negative = byte() == UInt8(ascii: "-")
            index += 1
        }
        guard Self.isDigit(byte()) else { throw unexpected("the seconds since 1970-01-01 after '@'") }
        var value = 0
        var overflow = false
        while Self.isDigit(byte()) {
            if value < Int.max / 20 { value = value * 10 + Int(byte() - 48) } else { overflow = true }
            index += 1
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        // Negative values wrap around in strtoul(); only "-0" stays in range.
        if overflow || (negative && value != 0) { throw .badTimestamp(text, position: start + 1) }
        let days = value / 86_400
        let secondOfDay = value % 86_400
        let (y, m, d) = CivilCalendar.civil(fromDays: days)
        guard y <= CalendarSpec.yearRange.upperBound else { throw .badTimestamp(text, position: start + 1) }
        spec.year = [.value(y)]
        spec.month = [.value(m)]
        spec.day = [.value(d)]
        spec.hour = [.value(secondOfDay / 3600)]
        spec.minute = [.value(secondOfDay / 60 % 60)]
        spec.second = [.value(secondOfDay % 60 * CalendarSpec.microsecondsPerSecond)]
        spec.zone = .utc
    }

    /// `parse_calendar_time()`: `H:M` or `H:M:S`; nothing at all means `00:00:00`.
    mutating func parseTime() throws(CalendarExpressionError) {
        if atEnd {
            spec.setMidnight()
            return
        }
        let hour = try parseChain(usec: false)
        guard byte() == UInt8(ascii: ":") else { throw unexpected("':' between hour and minute") }
        index += 1
        let minute = try parseChain(usec: false)
        var second: [CalendarComponent]? = [.value(0)]
        if !atEnd {
            guard byte() == UInt8(ascii: ":") else { throw unexpected("':' between minute and second") }
            index += 1
            second = try parseChain(usec: true)
            guard atEnd else { throw unexpected("the end after the seconds") }
        }
        spec.hour = hour
        spec.minute = minute
        spec.second = second
    }
}
