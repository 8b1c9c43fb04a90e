public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking Varlink client over a Unix stream socket, for `cadencectl`.
public final class VarlinkClient {
    private let fd: Int32
    private var decoder = VarlinkFrameDecoder(maximumMessageSize: 64 << 20)
    public let path: String

    /// Why a call did not get an answer.
    public enum Failure: Error, CustomStringConvertible {
        case cannotConnect(path: String, reason: String)
        case connectionLost(String)
        case badReply(String)
        /// The service answered with an error.
        case error(name: String, parameters: [String: Any])

        public var description: String {
            switch self {
            case let .cannotConnect(path, reason):
                "cannot reach cadenced at '\(path)': \(reason) (is cadenced running? --socket or $CADENCED_SOCKET)"
            case .connectionLost(let reason): "the connection to cadenced was lost: \(reason)"
            case .badReply(let reason): "cadenced sent a reply that is not understood: \(reason)"
            case let .error(name, parameters):
                if let reason = parameters["reason"] as? String {
                    if let parameter = parameters["parameter"] as? String, !parameter.isEmpty {
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

    public init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
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
            let reason = String(cString: strerror(errno))
            close(fd)
            throw Failure.cannotConnect(path: path, reason: reason)
        }
    }

    deinit { close(fd) }

    /// Calls a method and returns its reply parameters.
    public func call(_ method: String, _ parameters: [String: Any] = [:]) throws -> [String: Any] {
        let data = try VarlinkFrameDecoder.encode(["method": method, "parameters": parameters])
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 {
                    if errno == EINTR { continue }
                    throw Failure.connectionLost(String(cString: strerror(errno)))
                }
                offset += n
            }
        }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw Failure.connectionLost(n == 0 ? "closed by cadenced" : String(cString: strerror(errno)))
            }
            guard let message = try decoder.feed(buffer.prefix(n)).first else { continue }
            guard let reply = try? JSONSerialization.jsonObject(with: Data(message)) as? [String: Any] else {
                throw Failure.badReply("not a JSON object")
            }
            if let error = reply["error"] as? String {
                throw Failure.error(name: error, parameters: reply["parameters"] as? [String: Any] ?? [:])
            }
            return reply["parameters"] as? [String: Any] ?? [:]
        }
    }
}
