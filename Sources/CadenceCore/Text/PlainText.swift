/// Replacing and trimming done on the text's UTF-8 bytes, for the hot paths of a month-end burst
/// (every notice's subject, body and file table): Foundation's `replacingOccurrences` and
/// `trimmingCharacters` go through NSString and cost a tenth of the burst between them.
public enum PlainText {
    /// `text` with every occurrence of `target` replaced by `replacement`, left to right. Both are
    /// whole UTF-8 sequences, so a match never starts inside a character.
    public static func replacing(_ target: String, with replacement: String, in text: String) -> String {
        let needle = Array(target.utf8)
        guard let head = needle.first else { return text }
        var text = text
        return text.withUTF8 { bytes -> String in
            var out: [UInt8] = []
            var index = 0
            var runStart = 0
            var replaced = false
            while index + needle.count <= bytes.count {
                if bytes[index] == head && needle.indices.allSatisfy({ bytes[index + $0] == needle[$0] }) {
                    if !replaced { out.reserveCapacity(bytes.count) }
                    replaced = true
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                    out.append(contentsOf: replacement.utf8)
                    index += needle.count
                    runStart = index
                } else {
                    index += 1
                }
            }
            guard replaced else { return String(decoding: bytes, as: UTF8.self) }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// `text` without the spaces and tabs at its ends (Unicode space separators, as
    /// `CharacterSet.whitespaces`).
    public static func trimmingSpaces(_ text: some StringProtocol) -> String {
        trimming(text) { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
    }

    /// `text` without the line breaks at its ends (as `CharacterSet.newlines`).
    public static func trimmingNewlines(_ text: some StringProtocol) -> String {
        trimming(text) { (0x0A...0x0D).contains($0.value) || [0x85, 0x2028, 0x2029].contains($0.value) }
    }

    private static func trimming(_ text: some StringProtocol, _ drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !drop($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !drop($0) })!
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[first...last])
        return String(out)
    }
}
