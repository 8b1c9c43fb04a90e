import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking Varlink client over a Unix stream socket, for `cadencectl`.
public final class VarlinkClient {
    private let fd: Int32
    private var decoder = VarlinkFrameDecoder(maximumMessageSize: 64 << 20)
    public let path: String
    /// How long a call waits for the whole reply; nil waits for ever.
    public let timeout: Duration?

    /// How long `cadencectl` waits by default: a large import answers within seconds, a daemon that
    /// has not answered in this long is stuck or not running behind its socket.
    public static let defaultTimeout: Duration = .seconds(90)

    /// Why a call did not get an answer.
    public enum Failure: Error, CustomStringConvertible {
        case cannotConnect(path: String, reason: String)
        /// The socket's file mode refused the connection (EACCES): the caller is not in its group.
        case permissionDenied(path: String)
        case connectionLost(String)
        /// No whole reply within the timeout (the socket accepted, the daemon did not answer).
        case timedOut(path: String, after: Duration)
        case badReply(String)
        /// The service answered with an error; its parameters as text (the interface's errors
        /// carry strings only).
        case error(name: String, parameters: [String: String])

        public var description: String {
            switch self {
            case let .cannotConnect(path, reason):
                "cannot reach cadenced at '\(path)': \(reason) (is cadenced running? --socket or $CADENCED_SOCKET)"
            case .permissionDenied(let path):
                "permission denied on '\(path)': the control socket is open to root and the members of group "
                    + "'cadenced' only; ask an administrator to add you (usermod -aG cadenced USER, then log in "
                    + "again). Members of the AdminGroup= group need to be in 'cadenced' too"
            case .connectionLost(let reason): "the connection to cadenced was lost: \(reason)"
            case let .timedOut(path, after):
                "cadenced did not answer on '\(path)' within \(after.components.seconds) s: it is not running behind "
                    + "its socket, or stuck (systemctl status cadenced; --timeout to wait longer)"
            case .badReply(let reason): "cadenced sent a reply that is not understood: \(reason)"
            case let .error(name, parameters):
                if let reason = parameters["reason"] {
                    if let parameter = parameters["parameter"], !parameter.isEmpty,
                        !name.hasSuffix(".Refused")
                    {
                        "\(parameter): \(reason)"
                    } else {
                        reason
                    }
                } else if name == "io.cadenced.Ledger.NoSuchItem", let id = parameters["id"] {
                    "there is no rectification item #\(id)"
                } else if name == "io.cadenced.Ledger.NoSuchUnit", let id = parameters["id"] {
                    "there is no unit '\(id)' (see cadencectl units list)"
                } else {
                    "\(name) \(parameters.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))"
                }
            }
        }
    }

    public init(path: String, timeout: Duration? = VarlinkClient.defaultTimeout) throws {
        self.path = path
        self.timeout = timeout
        // Close-on-exec: a command the delivery service runs does not hold the connection.
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure.cannotConnect(path: path, reason: String(cString: strerror(errno))) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw Failure.cannotConnect(path: path, reason: "the path is too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes + [0]) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            let reason = String(cString: strerror(code))
            close(fd)
            if code == EACCES || code == EPERM { throw Failure.permissionDenied(path: path) }
            throw Failure.cannotConnect(path: path, reason: reason)
        }
        // A daemon that does not read leaves a large call's write blocked once the socket's buffer
        // is full: the same timeout ends it.
        if let timeout {
            let (seconds, attoseconds) = timeout.components
            var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        }
    }

    deinit { close(fd) }

    /// Calls a method and returns its reply parameters.
    public func call(_ method: String, _ parameters: [String: Any] = [:]) throws -> [String: Any] {
        try reply(to: try exchange(["method": method, "parameters": parameters]))
    }

    /// Calls a method of `io.cadenced.Ledger`.
    public func call<Call: LedgerCall>(_ call: Call) throws -> [String: Any] {
        try self.call("\(LedgerInterface.name).\(Call.method)", json: call.json())
    }

    /// Calls a method of `io.cadenced.Ledger` and returns the reply as received.
    public func callRaw<Call: LedgerCall>(_ call: Call) throws -> [UInt8] {
        try callRaw("\(LedgerInterface.name).\(Call.method)", json: call.json())
    }

    /// Calls a method with parameters already written as JSON (a ``LedgerCall``'s).
    public func call(_ method: String, json parameters: RawJSON) throws -> [String: Any] {
        try reply(to: try exchange(["method": method, "parameters": parameters]))
    }

    /// Calls a method with parameters already written as JSON and returns the reply as received.
    public func callRaw(_ method: String, json parameters: RawJSON) throws -> [UInt8] {
        try exchange(["method": method, "parameters": parameters])
    }

    private func reply(to message: [UInt8]) throws -> [String: Any] {
        guard let reply = try? JSONSerialization.jsonObject(with: Data(message)) as? [String: Any] else {
            throw Failure.badReply("not a JSON object")
        }
        return reply["parameters"] as? [String: Any] ?? [:]
    }

    /// Calls a method and returns the reply as received (JSON text without its NUL), for callers
    /// that print it as it is. An error reply is thrown as ``Failure/error(name:parameters:)``.
    public func callRaw(_ method: String, _ parameters: [String: Any] = [:]) throws -> [UInt8] {
        try exchange(["method": method, "parameters": parameters])
    }

    private func exchange(_ call: [String: Any]) throws -> [UInt8] {
        let data = try VarlinkFrameDecoder.encode(call)
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 {
                    if errno == EINTR { continue }
                    if errno == EAGAIN || errno == EWOULDBLOCK, let timeout {
                        throw Failure.timedOut(path: path, after: timeout)
                    }
                    throw Failure.connectionLost(String(cString: strerror(errno)))
                }
                offset += n
            }
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        let deadline = timeout.map { ContinuousClock.now + $0 }
        while true {
            if let deadline, let timeout {
                try waitReadable(until: deadline, timeout: timeout)
            }
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw Failure.connectionLost(n == 0 ? "closed by cadenced" : String(cString: strerror(errno)))
            }
            guard let message = try decoder.feed(buffer.prefix(n)).first else { continue }
            if JSONScan.valueStart(of: "error", inObjectAt: 0, of: message) != nil {
                guard let reply = try? JSONSerialization.jsonObject(with: Data(message)) as? [String: Any],
                    let error = reply["error"] as? String
                else { throw Failure.badReply("an error reply that is not understood") }
                let parameters = (reply["parameters"] as? [String: Any] ?? [:]).compactMapValues { value in
                    value is NSNull ? nil : value as? String ?? "\(value)"
                }
                throw Failure.error(name: error, parameters: parameters)
            }
            return message
        }
    }

    /// Waits until the socket has bytes to read, or throws ``Failure/timedOut(path:after:)``.
    private func waitReadable(until deadline: ContinuousClock.Instant, timeout: Duration) throws {
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { throw Failure.timedOut(path: path, after: timeout) }
            let (seconds, attoseconds) = left.components
            let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&descriptor, 1, milliseconds)
            if r > 0 { return }
            if r < 0 && errno != EINTR { throw Failure.connectionLost(String(cString: strerror(errno))) }
        }
    }
}

/// Finds values in JSON text without parsing all of it: the members of an object and the elements
/// of an array, as byte ranges. Assumes well-formed JSON (replies of cadenced). One pass over the
/// bytes: a 4 MB listing is split into its elements in a few milliseconds.
public enum JSONScan {
    /// The index where the value of `key` starts among the members of the object starting at
    /// `start`, or nil. Members before it are skipped; the value itself is not scanned.
    public static func valueStart(of key: String, inObjectAt start: Int, of text: [UInt8]) -> Int? {
        let wanted = Array(key.utf8)
        return text.withUnsafeBufferPointer { b -> Int? in
            var i = skipSpace(b, start)
            guard i < b.count, b[i] == UInt8(ascii: "{") else { return nil }
            i += 1
            while true {
                i = skipSpace(b, i)
                guard i < b.count, b[i] == UInt8(ascii: "\"") else { return nil }
                let keyEnd = skipString(b, i)
                let matches =
                    keyEnd - i - 2 == wanted.count && wanted.indices.allSatisfy { b[i + 1 + $0] == wanted[$0] }
                i = skipSpace(b, keyEnd)
                guard i < b.count, b[i] == UInt8(ascii: ":") else { return nil }
                let value = skipSpace(b, i + 1)
                if matches { return value }
                i = skipSpace(b, skipValue(b, value))
                guard i < b.count, b[i] == UInt8(ascii: ",") else { return nil }
                i += 1
            }
        }
    }

    /// The range of the value of `key` in the object that is the whole of `text`, or nil.
    public static func value(of key: String, inObject text: ArraySlice<UInt8>) -> Range<Int>? {
        let bytes = Array(text)
        guard let start = valueStart(of: key, inObjectAt: 0, of: bytes) else { return nil }
        let end = bytes.withUnsafeBufferPointer { skipValue($0, start) }
        return (text.startIndex + start)..<(text.startIndex + end)
    }

    /// The ranges of the elements of the array starting at `start`.
    public static func elements(ofArrayAt start: Int, of text: [UInt8]) -> [Range<Int>] {
        text.withUnsafeBufferPointer { b in
            var i = skipSpace(b, start)
            guard i < b.count, b[i] == UInt8(ascii: "[") else { return [] }
            i = skipSpace(b, i + 1)
            var ranges: [Range<Int>] = []
            if i < b.count, b[i] == UInt8(ascii: "]") { return [] }
            while i < b.count {
                let end = skipValue(b, i)
                ranges.append(i..<end)
                i = skipSpace(b, end)
                guard i < b.count, b[i] == UInt8(ascii: ",") else { break }
                i = skipSpace(b, i + 1)
            }
            return ranges
        }
    }

    private static func skipSpace(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var i = start
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        return i
    }

    /// The index after the string starting at `start` (a quote).
    private static func skipString(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var i = start + 1
        while i < b.count {
            let byte = b[i]
            if byte == UInt8(ascii: "\"") { return i + 1 }
            i += byte == UInt8(ascii: "\\") ? 2 : 1
        }
        return b.count
    }

    /// The index after the value starting at `start`.
    private static func skipValue(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        guard start < b.count else { return start }
        switch b[start] {
        case UInt8(ascii: "\""):
            return skipString(b, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var i = start
            while i < b.count {
                switch b[i] {
                case UInt8(ascii: "\""):
                    i = skipString(b, i)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default: break
                }
                i += 1
            }
            return b.count
        default:
            var i = start
            while i < b.count {
                let byte = b[i]
                if byte <= 0x20 || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                    break
                }
                i += 1
            }
            return i
        }
    }
}
