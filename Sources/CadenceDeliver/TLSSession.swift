import CSSL
import Foundation

/// TLS over a connected socket with OpenSSL, the relay verified as a browser verifies a site:
/// against the system's certificate authorities (or `CAFile=`), for the host name configured.
final class TLSSession {
    private let context: OpaquePointer
    private let ssl: OpaquePointer
    private let host: String

    /// Handshakes over `socket` with `host`; any failure (no TLS, a certificate that does not
    /// verify) is a passing one: the office fixes the relay or `CAFile=`, and the message goes.
    init(socket: Int32, host: String, caFile: String?) throws(SendFailure) {
        self.host = host
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw .temporary("TLS: \(Self.lastError())") }
        self.context = context
        // Set before SSL_new, which copies them: the relay must verify, with TLS 1.2 at least.
        _ = cssl_set_minimum_tls12(context)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        guard let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            throw .temporary("TLS: \(Self.lastError())")
        }
        self.ssl = ssl
        let loaded =
            if let caFile { SSL_CTX_load_verify_locations(context, caFile, nil) } else {
                SSL_CTX_set_default_verify_paths(context)
            }
        guard loaded == 1 else {
            throw .temporary(
                "TLS: the certificate authorities \(caFile.map { "in \($0) " } ?? "")cannot be read: \(Self.lastError())"
            )
        }
        // The name checked against the certificate: an address as an IP SAN, else a DNS name (and SNI).
        if Self.isAddress(host) {
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host)
        } else {
            SSL_set1_host(ssl, host)
            _ = cssl_set_server_name(ssl, host)
        }
        SSL_set_fd(ssl, socket)
        ERR_clear_error()
        guard SSL_connect(ssl) == 1 else {
            let verify = SSL_get_verify_result(ssl)
            if verify != X509_V_OK {
                throw .temporary(
                    "TLS: the certificate of \(host) does not verify: "
                        + String(cString: X509_verify_cert_error_string(verify))
                        + (caFile == nil ? " (an office's own CA goes in CAFile=)" : " (against \(caFile!))"))
            }
            throw .temporary("TLS with \(host) failed: \(Self.lastError())")
        }
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    /// Reads into `buffer`; 0 at the end of the stream, -1 on an error (`errno` for a timeout).
    func read(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = SSL_read(ssl, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
        if count > 0 { return Int(count) }
        return SSL_get_error(ssl, count) == SSL_ERROR_ZERO_RETURN ? 0 : -1
    }

    /// Writes all of `bytes`, or returns false.
    func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = SSL_write(ssl, bytes.baseAddress! + offset, Int32(min(bytes.count - offset, 1 << 20)))
            guard count > 0 else { return false }
            offset += Int(count)
        }
        return true
    }

    func close() { SSL_shutdown(ssl) }

    static func lastError() -> String {
        let code = ERR_get_error()
        guard code != 0 else { return "the connection was closed" }
        var text = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &text, text.count)
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func isAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
