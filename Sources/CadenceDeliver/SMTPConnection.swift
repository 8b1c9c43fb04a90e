import CadenceCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Why a message was not handed over: a reason that may pass (tried again later) or one that will not.
public enum SendFailure: Error, Equatable, CustomStringConvertible {
    /// The relay cannot be reached, timed out, closed the connection, or answered 4xx.
    case temporary(String)
    /// The relay answered 5xx: the message is refused for good.
    case permanent(String)

    public var description: String {
        switch self {
        case .temporary(let reason), .permanent(let reason): reason
        }
    }
}

/// One SMTP session with the relay (RFC 5321): EHLO, AUTH PLAIN when a user is configured, then any
/// number of messages on the one connection, QUIT at the end.
final class SMTPConnection {
    private let socket: Int32
    private var buffer: [UInt8] = []
    private let host: String
    private let caFile: String?
    private let security: DeliverConfiguration.Security
    /// TLS once it is started (at once with `tls`, after STARTTLS with `starttls`).
    private var tls: TLSSession?
    /// The relay's EHLO keywords (`AUTH PLAIN LOGIN`, `8BITMIME`…), upper-cased.
    private(set) var extensions: [String] = []

    init(
        host: String, port: Int, timeout: Duration, security: DeliverConfiguration.Security = .none,
        caFile: String? = nil
    ) throws(SendFailure) {
        self.host = host
        self.security = security
        self.caFile = caFile
        socket = try Self.connect(host: host, port: port, timeout: timeout, what: "the relay")
        do {
            if security == .tls { tls = try TLSSession(socket: socket, host: host, caFile: caFile) }
            try expect(try readReply(), 220, "greeting")
        } catch {
            close(socket)
            throw error
        }
    }

    deinit {
        tls?.close()
        close(socket)
    }

    /// EHLO as `name` (again after STARTTLS, which `starttls` requires of the relay); then AUTH
    /// PLAIN with `user` and `password` when given.
    func hello(as name: String, user: String?, password: String?) throws(SendFailure) {
        let reply = try command("EHLO \(name)")
        try expect(reply, 250, "EHLO")
        extensions = reply.lines.dropFirst().map { $0.uppercased() }
        if security == .starttls {
            guard extensions.contains("STARTTLS") else {
                throw .temporary(
                    "\(host) does not offer STARTTLS (Security=starttls); it offers: "
                        + extensions.joined(separator: "; "))
            }
            try expect(try command("STARTTLS"), 220, "STARTTLS")
            buffer = []
            tls = try TLSSession(socket: socket, host: host, caFile: caFile)
            let again = try command("EHLO \(name)")
            try expect(again, 250, "EHLO")
            extensions = again.lines.dropFirst().map { $0.uppercased() }
        }
        guard let user else { return }
        guard extensions.contains(where: { $0.hasPrefix("AUTH") && $0.contains("PLAIN") }) else {
            throw .temporary("\(host) does not offer AUTH PLAIN (it offers: \(extensions.joined(separator: "; ")))")
        }
        let token = Data(([0] + Array(user.utf8) + [0] + Array((password ?? "").utf8))).base64EncodedString()
        let auth = try command("AUTH PLAIN \(token)", shown: "AUTH PLAIN (credentials)")
        // A refused login is the configuration's fault, not the message's: tried again later.
        if auth.code != 235 { throw .temporary("\(host) refused the login of '\(user)': \(auth.text)") }
    }

    /// Hands one message over. A refused recipient leaves the session usable for the next one.
    func send(_ message: MailMessage) throws(SendFailure) {
        do {
            try expect(try command("MAIL FROM:<\(message.from.address)>"), 250, "MAIL FROM")
            try expect(try command("RCPT TO:<\(message.to.address)>"), 250, "RCPT TO", also: 251)
            try expect(try command("DATA"), 354, "DATA")
            var data = ""
            for line in message.text.split(separator: "\r\n", omittingEmptySubsequences: false).dropLast() {
                data += (line.hasPrefix(".") ? "." : "") + line + "\r\n"
            }
            try write(data + ".\r\n")
            try expect(try readReply(), 250, "the message")
        } catch {
            if case .permanent = error { _ = try? command("RSET") }
            throw error
        }
    }

    func quit() {
        _ = try? command("QUIT")
    }

    // MARK: - Replies

    struct Reply {
        var code: Int
        var lines: [String]
        var text: String { "\(code) " + lines.joined(separator: " / ") }
    }

    private func expect(_ reply: Reply, _ code: Int, _ step: String, also: Int? = nil) throws(SendFailure) {
        if reply.code == code || reply.code == also { return }
        let reason = "\(host) answered \(step) with \(reply.text)"
        throw reply.code >= 500 ? .permanent(reason) : .temporary(reason)
    }

    private func command(_ line: String, shown: String? = nil) throws(SendFailure) -> Reply {
        try write(line + "\r\n")
        return try readReply()
    }

    private func readReply() throws(SendFailure) -> Reply {
        var lines: [String] = []
        while true {
            let line = try readLine()
            guard line.count >= 3, let code = Int(line.prefix(3)) else {
                throw .temporary("\(host) sent something that is not an SMTP reply: '\(line.prefix(80))'")
            }
            lines.append(String(line.dropFirst(4)))
            if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] != "-" {
                return Reply(code: code, lines: lines)
            }
        }
    }

    private func readLine() throws(SendFailure) -> String {
        while true {
            if let end = buffer.firstIndex(of: 0x0a) {
                let line = buffer[..<end]
                buffer.removeSubrange(...end)
                return String(decoding: line.last == 0x0d ? line.dropLast() : line, as: UTF8.self)
            }
            if buffer.count > 64 * 1024 { throw .temporary("\(host) sent a reply line longer than 64 KiB") }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { bytes in
                tls.map { $0.read(bytes) } ?? recv(socket, bytes.baseAddress, bytes.count, 0)
            }
            if count > 0 {
                buffer += chunk[..<count]
            } else if count == 0 {
                throw .temporary("\(host) closed the connection")
            } else if errno == EINTR {
                continue
            } else {
                throw .temporary(
                    errno == EAGAIN ? "\(host) did not answer in time" : "reading from \(host): \(Self.errorText())")
            }
        }
    }

    private func write(_ text: String) throws(SendFailure) {
        try Self.write(Array(text.utf8), socket: socket, tls: tls, host: host)
    }

    /// Writes all of `bytes` to `socket`, through `tls` once it is started.
    static func write(_ bytes: [UInt8], socket: Int32, tls: TLSSession?, host: String) throws(SendFailure) {
        if let tls {
            guard bytes.withUnsafeBytes({ tls.write($0) }) else {
                throw .temporary("writing to \(host) over TLS: \(TLSSession.lastError())")
            }
            return
        }
        var rest = bytes[...]
        while !rest.isEmpty {
            let count = rest.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .temporary("writing to \(host): \(Self.errorText())")
            }
            rest = rest.dropFirst(count)
        }
    }

    static func errorText() -> String { String(cString: strerror(errno)) }

    /// A TCP connection to `host:port` (each address in turn), with `timeout` for the connection
    /// and for each read and write.
    /// - Parameter what: what the host is, for the reasons (`the relay`, `the robot's webhook`).
    static func connect(host: String, port: Int, timeout: Duration, what: String) throws(SendFailure) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .temporary("\(what) '\(host)' cannot be resolved: \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var seconds = timeval()
        seconds.tv_sec = Int(timeout.components.seconds)
        seconds.tv_usec = Int(timeout.components.attoseconds / 1_000_000_000_000)
        var reason = "no address"
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            cursor = entry.pointee.ai_next
            let fd = Glibc.socket(
                entry.pointee.ai_family, entry.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue),
                entry.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
            if Glibc.connect(fd, entry.pointee.ai_addr, entry.pointee.ai_addrlen) == 0 { return fd }
            reason = errno == EINPROGRESS || errno == EAGAIN ? "timed out" : errorText()
            close(fd)
        }
        throw .temporary("cannot connect to \(what) \(host) port \(port): \(reason)")
    }
}
