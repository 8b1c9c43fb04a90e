import CadenceControl
import CadenceCore
import Dispatch
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

extension ControlServer {
    /// One client.
    @MainActor
    final class Connection {
        let fd: Int32
        let peer: Peer
        unowned let server: ControlServer
        var decoder: VarlinkFrameDecoder
        var readSource: (any DispatchSourceRead)?
        var idleTimer: (any DispatchSourceTimer)?
        /// When the client last sent something (or connected), and when the unfinished message it
        /// is sending began: what ``ControlServer/makeRoom()`` judges by.
        var lastReceived: ContinuousClock.Instant
        var messageStarted: ContinuousClock.Instant?

        init(fd: Int32, peer: Peer, server: ControlServer) {
            self.fd = fd
            self.peer = peer
            self.server = server
            lastReceived = server.clock.monotonic()
            lastWriteProgress = lastReceived
            self.decoder = VarlinkFrameDecoder(
                maximumMessageSize: server.handler.mayWrite(peer)
                    ? server.limits.maxImportSize : server.limits.maxMessageSize)
        }

        func start() {
            let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: .main)
            source.setEventHandler { [weak self] in self?.readable() }
            source.setCancelHandler { [fd] in close(fd) }
            source.resume()
            readSource = source
            let timer = DispatchSource.makeTimerSource(queue: .main)
            timer.setEventHandler { [weak self] in self?.idle() }
            idleTimer = timer
            touch()
            timer.resume()
        }

        /// When the client last took some of its replies.
        var lastWriteProgress: ContinuousClock.Instant
        /// A client with replies waiting is not idle, but one that takes none for this long is dropped.
        static let stalledAfter: Duration = .seconds(60)

        func idle() {
            if !outbox.isEmpty && server.clock.monotonic() - lastWriteProgress < Self.stalledAfter {
                touch()
                return
            }
            finish(reason: outbox.isEmpty ? "idle" : "it stopped reading its replies")
        }

        func touch() {
            let seconds = Double(server.limits.idleTimeout.components.seconds)
            idleTimer?.schedule(deadline: .now() + seconds, leeway: .seconds(1))
        }

        func readable() {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let n = read(fd, &buffer, buffer.count)
            if n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) {
                finish(reason: nil)
                return
            }
            guard n > 0 else { return }
            touch()
            let messages: [[UInt8]]
            do {
                messages = try decoder.feed(buffer.prefix(n))
            } catch {
                send(VarlinkError.invalidParameter("message").reply)
                finish(reason: "\(error)")
                return
            }
            let now = server.clock.monotonic()
            lastReceived = now
            if decoder.pendingByteCount == 0 {
                messageStarted = nil
            } else if messageStarted == nil || !messages.isEmpty {
                messageStarted = now
            }
            pending += messages
            processPending()
        }

        /// Calls received and not yet answered.
        var pending: [[UInt8]] = []
        var processingScheduled = false
        /// Calls are answered only while fewer replies than this wait, a few per turn of the main
        /// queue, so one client cannot hold up the others or the timers.
        static let outboxHighWater = 64 << 10
        static let callsPerTurn = 8

        func processPending() {
            var handled = 0
            while !pending.isEmpty && outbox.count < Self.outboxHighWater && handled < Self.callsPerTurn {
                let message = pending.removeFirst()
                handled += 1
                switch VarlinkCall.parse(message) {
                case .failure(let error):
                    send(error.reply)
                    finish(reason: "malformed message")
                    return
                case .success(let call):
                    let reply = server.handler.handle(call, peer: peer)
                    if !call.oneway { send(reply) }
                }
                if readSource == nil { return }  // finished while sending
            }
            if !pending.isEmpty && outbox.count < Self.outboxHighWater && !processingScheduled {
                processingScheduled = true
                DispatchQueue.main.async { [weak self] in
                    self?.processingScheduled = false
                    self?.processPending()
                }
            }
            let busy = !pending.isEmpty || !outbox.isEmpty
            if busy && !readSuspended, let readSource {
                readSource.suspend()
                readSuspended = true
            } else if !busy && readSuspended {
                readSuspended = false
                readSource?.resume()
            }
        }

        /// Replies waiting for the client to read them.
        var outbox: [UInt8] = []
        /// Bytes at the front of `outbox` already written.
        var outboxSent = 0
        var writeSource: (any DispatchSourceWrite)?
        /// Reading stops while replies wait, so a client that does not read cannot make the daemon
        /// work (or buffer) for it without bound.
        var readSuspended = false
        /// A client that lets this much pile up without reading is dropped.
        static let maximumOutbox = 512 << 20

        /// Queues a reply and writes what the socket takes now; never blocks the daemon.
        func send(_ object: [String: Any]) {
            guard let data = try? VarlinkFrameDecoder.encode(object) else { return }
            if outbox.isEmpty { lastWriteProgress = server.clock.monotonic() }
            outbox.append(contentsOf: data)
            flush()
        }

        func flush() {
            while !outbox.isEmpty {
                // MSG_NOSIGNAL: a client that hung up must not end the daemon with SIGPIPE.
                let n = outbox.withUnsafeBytes {
                    Glibc.send(fd, $0.baseAddress! + outboxSent, $0.count - outboxSent, Int32(MSG_NOSIGNAL))
                }
                if n > 0 {
                    // Written bytes are dropped from the front only now and then: a large export
                    // reply would otherwise be copied once per write.
                    outboxSent += n
                    if outboxSent == outbox.count {
                        outbox.removeAll()
                        outboxSent = 0
                    } else if outboxSent >= 1 << 20 {
                        outbox.removeFirst(outboxSent)
                        outboxSent = 0
                    }
                    lastWriteProgress = server.clock.monotonic()
                    touch()
                } else if n < 0 && errno == EINTR {
                    continue
                } else if n < 0 && errno == EAGAIN {
                    if outbox.count > Self.maximumOutbox {
                        finish(reason: "it does not read its replies")
                        return
                    }
                    if writeSource == nil {
                        let source = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: .main)
                        source.setEventHandler { [weak self] in self?.flush() }
                        source.resume()
                        writeSource = source
                    }
                    return
                } else {
                    finish(reason: nil)
                    return
                }
            }
            writeSource?.cancel()
            writeSource = nil
            processPending()
        }

        func finish(reason: String?) {
            if let reason {
                server.logger.info(
                    "Control socket: closing a connection of uid \(peer.uid): \(reason)",
                    metadata: ["uid": "\(peer.uid)"])
            }
            idleTimer?.cancel()
            writeSource?.cancel()
            if readSuspended {
                readSuspended = false
                readSource?.resume()
            }
            readSource?.cancel()
            idleTimer = nil
            writeSource = nil
            readSource = nil
            server.closed(fd)
        }
    }
}
