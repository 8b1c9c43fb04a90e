public import Foundation

/// One e-mail as it goes on the wire (RFC 5322 with MIME): UTF-8 headers as RFC 2047 encoded
/// words, the body as base64 text/plain, a Message-ID from the outbox's key so every attempt of
/// one message carries the same one (a receiver drops a repeat by it), CRLF line ends.
public struct MailMessage: Sendable, Equatable {
    public var from: MailAddress
    public var to: MailAddress
    public var subject: String
    public var body: String
    /// The outbox key (``DeliveryRecord/messageKey``): `Message-ID: <KEY@DOMAIN>`.
    public var messageKey: String
    /// The notice's key, for filtering (`X-Cadenced-Notice`).
    public var noticeKey: String
    /// syslog priority 2 (crit) and 3 (err) are marked urgent (`Importance: high`).
    public var priority: Int
    public var date: Date

    public init(
        from: MailAddress, to: MailAddress, subject: String, body: String, messageKey: String, noticeKey: String,
        priority: Int, date: Date
    ) {
        (self.from, self.to, self.subject, self.body) = (from, to, subject, body)
        (self.messageKey, self.noticeKey, self.priority, self.date) = (messageKey, noticeKey, priority, date)
    }

    /// `<KEY@DOMAIN>`, the domain being the sender's.
    public var messageID: String { "<\(messageKey)@\(from.domain)>" }

    /// The message's text, headers and body, with CRLF line ends (not dot-stuffed: SMTP does that).
    public var text: String {
        var lines = [
            "From: " + from.header, "To: " + to.header, "Subject: " + Self.encodedWords(subject),
            "Date: " + Self.date(date), "Message-ID: " + messageID, "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: base64",
            "X-Cadenced-Notice: " + Self.encodedWords(noticeKey), "Auto-Submitted: auto-generated",
        ]
        if priority <= 3 { lines.append("Importance: high") }
        lines.append("")
        let encoded = Data(body.replacingOccurrences(of: "\n", with: "\r\n").utf8).base64EncodedString()
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A header value as it is when plain ASCII, else as `=?UTF-8?B?…?=` words of at most 75
    /// characters, never splitting a character, joined by folding whitespace.
    public static func encodedWords(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) && !text.contains("=?") { return text }
        var words: [[UInt8]] = []
        var chunk: [UInt8] = []
        // 75 - "=?UTF-8?B?".count - "?=".count = 63 characters of base64: 45 bytes of text.
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append(chunk)
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?" + Data($0).base64EncodedString() + "?=" }.joined(separator: "\r\n ")
    }

    /// RFC 5322 date in UTC: `Thu, 03 Dec 2026 14:05:09 +0000`.
    public static func date(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds.floorDivided(by: 86_400)
        let day = LocalDate(dayNumber: Int(days))
        let rest = Int(seconds - days * 86_400)
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = weekdays[Int(((days % 7) + 7) % 7)]
        return "\(weekday), \(CivilCalendar.pad(day.day, 2)) \(months[day.month - 1]) \(day.year) "
            + "\(CivilCalendar.pad(rest / 3600, 2)):\(CivilCalendar.pad(rest / 60 % 60, 2)):"
            + "\(CivilCalendar.pad(rest % 60, 2)) +0000"
    }
}

/// A mailbox: an address and the name shown with it.
public struct MailAddress: Sendable, Equatable {
    public var address: String
    public var name: String?

    public init(address: String, name: String? = nil) {
        self.address = address
        self.name = name
    }

    /// `Name <address>` or `address`; `cadenced <cadenced@example.org>` reads as both.
    public init?(parsing text: String) {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let open = text.lastIndex(of: "<"), text.hasSuffix(">") {
            let address = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
            let name = text[..<open].trimmingCharacters(in: .whitespaces)
            guard PersonRecord.emailProblem(address) == nil else { return nil }
            self.init(address: address, name: name.isEmpty ? nil : name)
        } else {
            guard PersonRecord.emailProblem(text) == nil else { return nil }
            self.init(address: text)
        }
    }

    public var domain: String { address.split(separator: "@").last.map(String.init) ?? "cadenced" }

    public var header: String {
        guard let name, !name.isEmpty else { return address }
        let plain = name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || " .-_".contains($0)) }
        return (plain ? name : MailMessage.encodedWords(name)) + " <" + address + ">"
    }
}
