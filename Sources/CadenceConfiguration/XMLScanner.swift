import Foundation

/// A small XML scanner for the parts of an .xlsx: start and end tags (names without their
/// namespace prefix; attributes likewise), text with the five entities and character references
/// resolved. Comments, processing instructions and declarations are skipped. Not a validating
/// parser: what is not well-formed is read as far as it goes.
enum XMLScanner {
    enum Event: Equatable {
        case start(String, [String: String])
        case end(String)
        case text(String)
    }

    static func scan(_ bytes: [UInt8], _ handle: (Event) -> Void) {
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            let n = b.count
            while i < n {
                if b[i] != UInt8(ascii: "<") {
                    var j = i
                    while j < n, b[j] != UInt8(ascii: "<") { j += 1 }
                    handle(.text(decode(b, i, j)))
                    i = j
                    continue
                }
                guard i + 1 < n else { return }
                let next = b[i + 1]
                if next == UInt8(ascii: "?") || next == UInt8(ascii: "!") {
                    // <?…?>, <!--…-->, <![CDATA[…]]>, <!DOCTYPE…>
                    if i + 8 < n, Array(b[(i + 1)..<(i + 9)]) == Array("![CDATA[".utf8) {
                        var j = i + 9
                        while j + 2 < n, !(b[j] == 93 && b[j + 1] == 93 && b[j + 2] == 62) { j += 1 }
                        handle(.text(String(decoding: b[(i + 9)..<min(j, n)], as: UTF8.self)))
                        i = j + 3
                        continue
                    }
                    let isComment = i + 3 < n && b[i + 2] == UInt8(ascii: "-") && b[i + 3] == UInt8(ascii: "-")
                    var j = i + 2
                    if isComment {
                        while j + 2 < n, !(b[j] == 45 && b[j + 1] == 45 && b[j + 2] == 62) { j += 1 }
                        i = j + 3
                    } else {
                        while j < n, b[j] != UInt8(ascii: ">") { j += 1 }
                        i = j + 1
                    }
                    continue
                }
                var j = i + 1
                var quote: UInt8 = 0
                while j < n {
                    let c = b[j]
                    if quote != 0 {
                        if c == quote { quote = 0 }
                    } else if c == 34 || c == 39 {
                        quote = c
                    } else if c == UInt8(ascii: ">") {
                        break
                    }
                    j += 1
                }
                guard j < n else { return }
                if next == UInt8(ascii: "/") {
                    handle(.end(localName(String(decoding: b[(i + 2)..<j], as: UTF8.self))))
                } else {
                    let selfClosing = b[j - 1] == UInt8(ascii: "/")
                    let (name, attributes) = tag(b, i + 1, selfClosing ? j - 1 : j)
                    handle(.start(name, attributes))
                    if selfClosing { handle(.end(name)) }
                }
                i = j + 1
            }
        }
    }

    /// The name without its namespace prefix and the spaces around it. On the bytes: Foundation's
    /// trimming costs seconds over a sheet of 100,000 rows.
    private static func localName(_ name: String) -> String {
        var utf8 = Substring(name).utf8
        while let first = utf8.first, first == 32 || first == 9 || first == 10 || first == 13 {
            utf8 = utf8.dropFirst()
        }
        while let last = utf8.last, last == 32 || last == 9 || last == 10 || last == 13 { utf8 = utf8.dropLast() }
        if let colon = utf8.lastIndex(of: UInt8(ascii: ":")) { utf8 = utf8[utf8.index(after: colon)...] }
        return String(Substring(utf8))
    }

    private static func tag(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (String, [String: String]) {
        var i = start
        func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 }
        while i < end, !isSpace(b[i]) { i += 1 }
        let name = localName(String(decoding: b[start..<i], as: UTF8.self))
        var attributes: [String: String] = [:]
        while i < end {
            while i < end, isSpace(b[i]) { i += 1 }
            let keyStart = i
            while i < end, b[i] != UInt8(ascii: "="), !isSpace(b[i]) { i += 1 }
            let key = localName(String(decoding: b[keyStart..<i], as: UTF8.self))
            while i < end, b[i] != 34, b[i] != 39 { i += 1 }
            guard i < end else { break }
            let quote = b[i]
            let valueStart = i + 1
            i += 1
            while i < end, b[i] != quote { i += 1 }
            if !key.isEmpty { attributes[key] = decode(b, valueStart, min(i, end)) }
            i += 1
        }
        return (name, attributes)
    }

    /// Text with `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#N;` and `&#xH;` resolved.
    private static func decode(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        guard b[start..<end].contains(UInt8(ascii: "&")) else { return String(decoding: b[start..<end], as: UTF8.self) }
        var out: [UInt8] = []
        var i = start
        while i < end {
            if b[i] == UInt8(ascii: "&"), let semicolon = (i..<min(end, i + 12)).first(where: { b[$0] == 59 }) {
                let entity = String(decoding: b[(i + 1)..<semicolon], as: UTF8.self)
                var scalar: Unicode.Scalar?
                switch entity {
                case "amp": scalar = "&"
                case "lt": scalar = "<"
                case "gt": scalar = ">"
                case "quot": scalar = "\""
                case "apos": scalar = "'"
                default:
                    if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                        scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                    } else if entity.hasPrefix("#") {
                        scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init)
                    }
                }
                if let scalar {
                    out += Array(String(Character(scalar)).utf8)
                    i = semicolon + 1
                    continue
                }
            }
            out.append(b[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
