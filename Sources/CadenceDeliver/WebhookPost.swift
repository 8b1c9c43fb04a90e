import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One HTTP/1.1 POST of JSON to a webhook (RFC 9112), over TLS for `https` with the host's
/// certificate verified (``TLSSession``). One request per connection (`Connection: close`): a
/// robot takes at most a post every few seconds, so there is nothing to reuse.
enum WebhookPost {
    struct Response {
        var status: Int
        var body: [UInt8]
    }

    /// The largest answer read: a robot's answer is a short JSON object.
    static let maximumResponse = 1 << 20

    /// Posts `body` to `url`; any failure to get an answer is a passing one (tried again later).
    static func post(_ url: URL, body: [UInt8], timeout: Duration, caFile: String?) throws(SendFailure) -> Response {
        guard let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = url.host, !host.isEmpty
        else { throw .permanent("the webhook '\(redacted(url))' is not an https:// address") }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        let socket = try SMTPConnection.connect(host: host, port: port, timeout: timeout, what: "the robot's webhook")
        defer { close(socket) }
        let tls = scheme == "https" ? try TLSSession(socket: socket, host: host, caFile: caFile) : nil
        defer { tls?.close() }
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        var target = components?.percentEncodedPath ?? ""
        if target.isEmpty { target = "/" }
        if let query = components?.percentEncodedQuery { target += "?" + query }
        let hostHeader = url.port.map { "\(host):\($0)" } ?? host
        let head =
            "POST \(target) HTTP/1.1\r\nHost: \(hostHeader)\r\nUser-Agent: cadenced-deliver\r\n"
            + "Content-Type: application/json; charset=utf-8\r\nContent-Length: \(body.count)\r\n"
            + "Accept: application/json\r\nConnection: close\r\n\r\n"
        try SMTPConnection.write(Array(head.utf8) + body, socket: socket, tls: tls, host: host)
        let raw = try readAll(socket: socket, tls: tls, host: host)
        return try parse(raw, host: host)
    }

    /// The URL with its query (the token) and its path's last part left out, for reasons and logs.
    static func redacted(_ url: URL) -> String {
        guard let host = url.host else { return "(not a URL)" }
        return "\(url.scheme ?? "https")://\(host)\(url.port.map { ":\($0)" } ?? "")/…"
    }

    private static func readAll(socket: Int32, tls: TLSSession?, host: String) throws(SendFailure) -> [UInt8] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while received.count <= maximumResponse {
            let count = chunk.withUnsafeMutableBytes { bytes in
                tls.map { $0.read(bytes) } ?? recv(socket, bytes.baseAddress, bytes.count, 0)
            }
            if count > 0 {
                received += chunk[..<count]
                // With Content-Length the answer may end before the peer closes.
                if let whole = complete(received) { return whole }
            } else if count == 0 {
                return received
            } else if errno == EINTR {
                continue
            } else if received.isEmpty || tls == nil {
                throw .temporary(
                    errno == EAGAIN
                        ? "\(host) did not answer in time" : "reading from \(host): \(SMTPConnection.errorText())")
            } else {
                // TLS peers often close without close_notify once the answer is out.
                return received
            }
        }
        throw .temporary("\(host) sent an answer larger than \(maximumResponse) bytes")
    }

    /// The answer when its head and a Content-Length body are all in.
    private static func complete(_ bytes: [UInt8]) -> [UInt8]? {
        guard let end = headEnd(bytes) else { return nil }
        let head = String(decoding: bytes[..<end], as: UTF8.self).lowercased()
        guard
            let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
            let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        else { return nil }
        return bytes.count >= end + 4 + length ? Array(bytes[..<(end + 4 + length)]) : nil
    }

    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4)
        where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }

    /// The status and the body (chunked transfer decoded).
    static func parse(_ bytes: [UInt8], host: String) throws(SendFailure) -> Response {
        guard let end = headEnd(bytes) else {
            throw .temporary(
                bytes.isEmpty ? "\(host) closed the connection without answering" : "\(host) sent a cut answer")
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let parts = lines.first?.split(separator: " ", maxSplits: 2) ?? []
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw .temporary("\(host) sent something that is not an HTTP answer: '\(lines.first?.prefix(80) ?? "")'")
        }
        var body = Array(bytes[(end + 4)...])
        let chunked = lines.dropFirst().contains {
            $0.lowercased().hasPrefix("transfer-encoding:") && $0.lowercased().contains("chunked")
        }
        if chunked { body = try dechunk(body, host: host) }
        return Response(status: status, body: body)
    }

    private static func dechunk(_ bytes: [UInt8], host: String) throws(SendFailure) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard let lineEnd = (i..<(bytes.count - 1)).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }) else {
                break
            }
            let sizeText = String(decoding: bytes[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw .temporary("\(host) sent a chunked answer that does not parse")
            }
            if size == 0 { break }
            let start = lineEnd + 2
            guard start + size <= bytes.count else { throw .temporary("\(host) sent a cut answer") }
            out += bytes[start..<(start + size)]
            i = start + size + 2
        }
        return out
    }
}
