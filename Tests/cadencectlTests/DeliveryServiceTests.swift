import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

private let deliver = BinaryRunner.executable("cadenced-deliver")
private let venvPython = BinaryRunner.packageRoot.appendingPathComponent(".build/venv/bin/python3")
private let pythonHasSMTP: Bool = {
    (try? BinaryRunner.run(venvPython, ["-c", "import aiosmtpd"]).status) == 0
}()
private let scripts = BinaryRunner.packageRoot.appendingPathComponent("Tests/delivery")

/// A real SMTP server (aiosmtpd) on loopback storing what it accepts; stopped by PID at the end.
private final class SMTPSink {
    let directory: String
    let process = Process()
    var port = 0

    init(root: String, auth: String? = nil, tls: [String] = []) throws {
        directory = root + "/mail"
        process.executableURL = venvPython
        process.arguments =
            [scripts.appendingPathComponent("smtp-sink.py").path, directory, root + "/smtp-port"]
            + (auth.map { ["--auth", $0] } ?? []) + tls
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: root + "/smtp-port", encoding: .utf8), let port = Int(text) {
                self.port = port
                return
            }
            usleep(20_000)
        }
    }

    /// The messages received, as Python's e-mail parser reads them.
    func messages() throws -> [[String: Any]] {
        guard FileManager.default.fileExists(atPath: directory) else { return [] }
        let result = try BinaryRunner.run(venvPython, [scripts.appendingPathComponent("read-mail.py").path, directory])
        #expect(result.status == 0, "read-mail.py: \(result.stderr)")
        return result.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    deinit {
        // SIGKILL: the test process may block SIGTERM, and Python inherits the mask.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// Skips with the reason, or under CI=true (where scripts/deps installs aiosmtpd) fails.
private func requireSMTPServer() throws {
    guard !pythonHasSMTP else { return }
    let reason = "the venv's python3 cannot import aiosmtpd (scripts/deps installs it in .build/venv)"
    if ProcessInfo.processInfo.environment["CI"] == "true" {
        Issue.record("\(reason); CI=true")
        throw CancellationError()
    }
    try Test.cancel(Comment(rawValue: reason))
}

/// An office in the daemon: county A with its first responsible person and liaison in the
/// directory, an item due in 3 days, so its 7-day warning is due at once.
private func office(_ daemon: CtlDaemon, directEmail: String) throws {
    try daemon.succeed(["units", "add", "county-a", "--name", "甲县卫生局", "--kind", "county-bureau"])
    try daemon.succeed([
        "person", "add", "p-sun", "--name", "孙三", "--unit", "county-a", "--email", "sun.san@example.org",
    ])
    try daemon.succeed(["person", "add", "p-wang", "--name", "王五", "--unit", "county-a", "--email", directEmail])
    try daemon.succeed(["role", "assign", "county-a", "first", "p-sun"])
    try daemon.succeed([
        "item", "add", "--unit", "county-a", "--title", "值班制度未落实", "--deadline", "+3", "--direct", "王五",
    ])
}

private func deliveries(_ daemon: CtlDaemon) throws -> [[String: Any]] {
    try daemon.succeed(["deliveries", "--json"]).stdout.split(separator: "\n").compactMap {
        try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
}

/// A test certificate authority and a certificate of the relay for `localhost`, made with the
/// openssl command in `directory`: (ca.pem, relay.pem, relay.key).
private func testCertificates(in directory: String) throws -> (ca: String, certificate: String, key: String) {
    let openssl = try #require(BinaryRunner.which("openssl"), "openssl is missing (scripts/deps installs it)")
    let (ca, caKey) = (directory + "/ca.pem", directory + "/ca.key")
    let (certificate, key, request) = (directory + "/relay.pem", directory + "/relay.key", directory + "/relay.csr")
    let extensions = directory + "/relay.ext"
    try Data("subjectAltName=DNS:localhost\n".utf8).write(to: URL(fileURLWithPath: extensions))
    for arguments in [
        [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Invented Office Test CA",
            "-keyout", caKey, "-out", ca,
        ],
        ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", key, "-out", request],
        [
            "x509", "-req", "-in", request, "-CA", ca, "-CAkey", caKey, "-CAcreateserial", "-days", "2",
            "-extfile", extensions, "-out", certificate,
        ],
    ] {
        let result = try BinaryRunner.run(openssl, arguments)
        #expect(result.status == 0, "openssl \(arguments[0]): \(result.stderr)")
    }
    return (ca, certificate, key)
}

/// Writes deliver.conf for the sink and returns the arguments of cadenced-deliver.
private func deliverArguments(
    _ daemon: CtlDaemon, port: Int, relay: String = "127.0.0.1", security: String = "none", extra: String = ""
) throws -> [String] {
    try FileManager.default.createDirectory(atPath: daemon.root + "/deliver", withIntermediateDirectories: true)
    try Data(
        """
        [Deliver]
        Socket=\(daemon.socket)
        PollSec=200ms
        [Mail]
        Relay=\(relay)
        Port=\(port)
        Security=\(security)
        From=示例市卫生局办公室 <office@example.org>
        \(extra)
        """.utf8
    ).write(to: URL(fileURLWithPath: daemon.root + "/deliver/deliver.conf"))
    return ["--config-dir", daemon.root + "/deliver"]
}

@Suite(
    "cadenced-deliver hands the outbox to a real SMTP server, once per person", .serialized,
    .enabled(if: deliver != nil && CtlDaemon.cadenced != nil, "cadenced-deliver is not built"))
struct DeliveryServiceTests {
    @Test(
        "Each responsible person gets the warning once, over one logged-in connection, as MIME that Python's parser reads: UTF-8 subject and names, base64 body, a Message-ID from the outbox key"
    )
    func mailOnce() throws {
        try requireSMTPServer()
        let daemon = try CtlDaemon(name: "deliver")
        let sink = try SMTPSink(root: daemon.root, auth: "deliver:s3cret-不示人")
        try office(daemon, directEmail: "wang.wu@example.org")
        let credentials = daemon.root + "/credentials"
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        try Data("s3cret-不示人\n".utf8).write(to: URL(fileURLWithPath: credentials + "/smtp-password"))
        let arguments = try deliverArguments(daemon, port: sink.port, extra: "User=deliver")
        let environment = ["CREDENTIALS_DIRECTORY": credentials]
        let run = try BinaryRunner.run(deliver!, arguments + ["--once"], environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("s3cret"), "the password is never logged")

        let messages = try sink.messages()
        let outbox = try deliveries(daemon)
        #expect(outbox.map { $0["state"] as? String } == ["sent", "sent"])
        #expect(messages.count == 2)
        let notices = try daemon.succeed(["notices", "--json"]).stdout
        for (message, row) in zip(messages, outbox) {
            let envelope = message["envelope"] as? [String: Any] ?? [:]
            #expect(envelope["to"] as? [String] == [row["address"] as? String ?? ""])
            #expect(envelope["from"] as? String == "office@example.org")
            #expect(envelope["authenticated"] as? Bool == true)
            #expect(envelope["connection"] as? Int == 1, "one connection for the batch")
            #expect(message["subject"] as? String == row["subject"] as? String)
            #expect((message["subject"] as? String)?.hasPrefix("整改提醒：") == true)
            #expect(message["from"] as? String == "示例市卫生局办公室 <office@example.org>")
            #expect(message["to"] as? String == "\(row["personName"] ?? "") <\(row["address"] ?? "")>")
            #expect(message["messageID"] as? String == "<\(row["messageKey"] ?? "")@example.org>")
            #expect(message["contentType"] as? String == "text/plain")
            #expect(message["charset"] as? String == "utf-8")
            #expect(message["transferEncoding"] as? String == "base64")
            #expect(message["dateParsed"] as? Bool == true)
            #expect(message["defects"] as? [String] == [])
            #expect(message["crlfOnly"] as? Bool == true)
            let body = message["body"] as? String ?? ""
            #expect(body.contains("「值班制度未落实」"))
            #expect(notices.contains(message["notice"] as? String ?? "-"))
        }
        #expect(Set(outbox.compactMap { $0["personName"] as? String }) == ["孙三", "王五"])

        // Again: nothing more is sent.
        _ = try BinaryRunner.run(deliver!, arguments + ["--once"], environment: environment)
        #expect(try sink.messages().count == 2)
    }

    @Test(
        "A refusal (550) is given up with a delivery-failed notice, the others still sent; with the relay down everything stays waiting with the reason; cadencectl deliveries shows both"
    )
    func faults() throws {
        try requireSMTPServer()
        let daemon = try CtlDaemon(name: "deliver-faults")
        try office(daemon, directEmail: "refuse-wang@example.org")

        // First with no relay listening: a port nothing listens on (the sink's, before it starts).
        var closed = sockaddr_in()
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        closed.sin_family = sa_family_t(AF_INET)
        closed.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &closed) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                _ = bind(probe, $0, length)
                _ = getsockname(probe, $0, &length)
            }
        }
        let unusedPort = Int(UInt16(bigEndian: closed.sin_port))
        close(probe)
        let down = try BinaryRunner.run(deliver!, try deliverArguments(daemon, port: unusedPort) + ["--once"])
        #expect(down.status == 0, "\(down.stderr)")
        // With --once, a cadenced that cannot be reached is exit status 69 (EX_UNAVAILABLE), as --help says.
        let noDaemon = try BinaryRunner.run(
            deliver!, try deliverArguments(daemon, port: unusedPort) + ["--once"],
            environment: ["CADENCED_SOCKET": daemon.root + "/no-such-socket"])
        #expect(noDaemon.status == 69, "\(noDaemon.status): \(noDaemon.stderr)")
        #expect(noDaemon.stderr.contains("cannot take the outbox from cadenced"), "\(noDaemon.stderr)")
        let waiting = try deliveries(daemon)
        #expect(waiting.map { $0["state"] as? String } == ["waiting", "waiting"])
        #expect(
            waiting.allSatisfy { ($0["error"] as? String)?.contains("cannot connect to the relay 127.0.0.1") == true })
        let table = try daemon.succeed(["deliveries"]).stdout
        #expect(table.contains("waiting") && table.contains("孙三") && table.contains("cannot connect"))

        // Failed messages are retried at once; waiting ones wait for their time (a minute), so the
        // refusal is shown by a fresh item whose messages are due now.
        let sink = try SMTPSink(root: daemon.root)
        try daemon.succeed([
            "item", "add", "--unit", "county-a", "--title", "应急预案未更新", "--deadline", "+3", "--direct", "p-wang",
        ])
        let run = try BinaryRunner.run(deliver!, try deliverArguments(daemon, port: sink.port) + ["--once"])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try deliveries(daemon).filter { ($0["subject"] as? String)?.contains("#2") == true }
        #expect(rows.map { "\($0["personName"] ?? "") \($0["state"] ?? "")" } == ["孙三 sent", "王五 failed"])
        #expect((rows.last?["error"] as? String)?.contains("550 5.1.1") == true)
        #expect(
            try sink.messages().map { ($0["envelope"] as? [String: Any])?["to"] as? [String] } == [
                ["sun.san@example.org"]
            ])
        let deadLetters = try daemon.succeed(["notices", "--kind", "delivery-failed"]).stdout
        #expect(deadLetters.contains("通知未送达：王五（email）"), "\(deadLetters)")
        let failedTable = try daemon.succeed(["deliveries", "list", "--state", "failed"]).stdout
        #expect(failedTable.contains("王五") && failedTable.contains("550 5.1.1"))

        // Bad input to the CLI: an unknown state is a usage error, a retry of a sent message refused.
        #expect(try daemon.ctl(["deliveries", "list", "--state", "lost"]).status == 64)
        let sentID = try #require((rows.first?["id"] as? NSNumber)?.stringValue)
        let refused = try daemon.ctl(["deliveries", "retry", sentID])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("is sent, not failed: nothing to retry"), "\(refused.stderr)")
    }

    @Test(
        "A kill -9 of the delivery service mid-message loses nothing: the message in doubt is sent again with the same Message-ID"
    )
    func killMidBatch() throws {
        try requireSMTPServer()
        let daemon = try CtlDaemon(name: "deliver-kill")
        let sink = try SMTPSink(root: daemon.root)
        try office(daemon, directEmail: "slow-wang@example.org")
        let arguments = try deliverArguments(daemon, port: sink.port)
        let service = Process()
        service.executableURL = deliver
        service.arguments = arguments
        service.standardError = FileHandle.nullDevice
        try service.run()
        // The sink stores the slow message, marks it, and waits 3 s before answering: the service
        // is killed between the relay's receipt and its record of it.
        let marker = sink.directory + "/receiving-slow"
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: marker) && Date() < deadline { usleep(20_000) }
        #expect(FileManager.default.fileExists(atPath: marker), "the slow message never reached the sink")
        kill(service.processIdentifier, SIGKILL)
        service.waitUntilExit()
        #expect(service.terminationReason == .uncaughtSignal)

        let run = try BinaryRunner.run(deliver!, arguments + ["--once"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try deliveries(daemon).map { $0["state"] as? String } == ["sent", "sent"])
        let byRecipient = Dictionary(grouping: try sink.messages()) {
            (($0["envelope"] as? [String: Any])?["to"] as? [String])?.first ?? ""
        }
        #expect(byRecipient["sun.san@example.org"]?.count == 1)
        let copies = byRecipient["slow-wang@example.org"] ?? []
        #expect(copies.count == 2, "the message in doubt is sent again")
        #expect(Set(copies.compactMap { $0["messageID"] as? String }).count == 1, "with the same Message-ID")
    }

    @Test(
        "STARTTLS and TLS from the first byte: the relay's certificate verified against CAFile= for the name in Relay=; an unknown CA or another name sends nothing and says why"
    )
    func tls() throws {
        try requireSMTPServer()
        let daemon = try CtlDaemon(name: "deliver-tls")
        try office(daemon, directEmail: "wang.wu@example.org")
        let (ca, certificate, key) = try testCertificates(in: daemon.root)
        let credentials = daemon.root + "/credentials"
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        try Data("s3cret".utf8).write(to: URL(fileURLWithPath: credentials + "/smtp-password"))
        let environment = ["CREDENTIALS_DIRECTORY": credentials]

        // Not verified: the system's authorities do not know the test CA; an address is not the
        // certificate's name. Nothing is sent, the reason is kept.
        let starttls = try SMTPSink(
            root: daemon.root + "/starttls", auth: "deliver:s3cret", tls: ["--starttls", certificate, key])
        for (relay, extra, reason) in [
            ("localhost", "User=deliver", "unable to get local issuer certificate"),
            ("127.0.0.1", "User=deliver\nCAFile=\(ca)", "does not verify"),
        ] {
            let run = try BinaryRunner.run(
                deliver!,
                try deliverArguments(daemon, port: starttls.port, relay: relay, security: "starttls", extra: extra)
                    + ["--once"], environment: environment)
            #expect(run.status == 0, "\(run.stderr)")
            let rows = try deliveries(daemon)
            #expect(rows.allSatisfy { $0["state"] as? String == "waiting" }, "\(rows)")
            #expect((rows.first?["error"] as? String)?.contains(reason) == true, "\(relay): \(rows.first ?? [:])")
            #expect(try starttls.messages().isEmpty)
        }

        // Verified: a fresh item's messages are due now (the first ones wait for their retry).
        try daemon.succeed([
            "item", "add", "--unit", "county-a", "--title", "应急预案未更新", "--deadline", "+3", "--direct", "p-wang",
        ])
        let run = try BinaryRunner.run(
            deliver!,
            try deliverArguments(
                daemon, port: starttls.port, relay: "localhost", security: "starttls",
                extra: "User=deliver\nCAFile=\(ca)") + ["--once"], environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        let received = try starttls.messages()
        #expect(received.count == 2)
        for message in received {
            let envelope = message["envelope"] as? [String: Any] ?? [:]
            #expect(envelope["tls"] as? Bool == true)
            #expect(envelope["authenticated"] as? Bool == true)
        }

        let implicit = try SMTPSink(root: daemon.root + "/tls", tls: ["--tls", certificate, key])
        try daemon.succeed([
            "item", "add", "--unit", "county-a", "--title", "台账不全", "--deadline", "+3", "--direct", "p-wang",
        ])
        let tlsRun = try BinaryRunner.run(
            deliver!,
            try deliverArguments(
                daemon, port: implicit.port, relay: "localhost", security: "tls", extra: "CAFile=\(ca)")
                + ["--once"])
        #expect(tlsRun.status == 0, "\(tlsRun.stderr)")
        let overTLS = try implicit.messages()
        #expect(overTLS.count == 2)
        #expect(overTLS.allSatisfy { ($0["envelope"] as? [String: Any])?["tls"] as? Bool == true })
        #expect(overTLS.allSatisfy { ($0["subject"] as? String)?.contains("#3") == true })
    }
}

extension DeliveryServiceTests {
    @Test(
        "notify test PERSON: one test message per channel through the running service, each result reported; a refusal, no address and nobody are said as such; SIGTERM stops the service cleanly"
    )
    func notifyTest() throws {
        try requireSMTPServer()
        let daemon = try CtlDaemon(name: "notify-test")
        let sink = try SMTPSink(root: daemon.root)
        try daemon.succeed(["person", "add", "p-ok", "--name", "测试员", "--email", "tester@example.org"])
        try daemon.succeed(["person", "add", "p-refused", "--name", "拒收员", "--email", "refuse-me@example.org"])
        try daemon.succeed(["person", "add", "p-none", "--name", "无地址"])
        let service = Process()
        service.executableURL = deliver
        service.arguments = try deliverArguments(daemon, port: sink.port)
        let log = Pipe()
        service.standardError = log
        try service.run()

        let ok = try daemon.ctl(["notify", "test", "p-ok", "--wait", "30"])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout == "email to 测试员 <tester@example.org>: sent\n")
        let received = try sink.messages()
        #expect(received.count == 1)
        #expect((received.first?["subject"] as? String) == "cadenced 测试消息：测试员")

        let refused = try daemon.ctl(["notify", "test", "p-refused", "--wait", "30"])
        #expect(refused.status == 1)
        #expect(
            refused.stdout.contains("email to 拒收员 <refuse-me@example.org>: failed: 127.0.0.1 answered RCPT TO with 550")
        )
        let none = try daemon.ctl(["notify", "test", "p-none"])
        #expect(none.status != 0)
        #expect(none.stderr.contains("无地址 (p-none) has no address on any channel (email)"), "\(none.stderr)")
        let nobody = try daemon.ctl(["notify", "test", "p-nobody"])
        #expect(nobody.status != 0)
        #expect(nobody.stderr.contains("there is no person 'p-nobody' in the directory"), "\(nobody.stderr)")
        #expect(try daemon.ctl(["notify", "test", "p-ok", "--wait", "-1"]).status == 64)

        kill(service.processIdentifier, SIGTERM)
        service.waitUntilExit()
        #expect(service.terminationReason == .exit && service.terminationStatus == 0)
        let text = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text.contains("stopping on signal 15"), "\(text)")
    }
}

@Suite(
    "The office's contact sheet becomes the directory", .enabled(if: CtlDaemon.cadenced != nil, "cadenced is not built")
)
struct ContactSheetTests {
    @Test(
        "import persons: a GB18030 sheet with Chinese headers (人员编号, 姓名, 所在单位, 手机, 邮箱); bad rows are each reported with their line and nothing is imported; an export imports back"
    )
    func importContactSheet() throws {
        let daemon = try CtlDaemon(name: "contacts")
        try daemon.succeed(["units", "add", "county-a", "--name", "甲县卫生局", "--kind", "county-bureau"])
        let iconv = try #require(BinaryRunner.which("iconv"))
        func gb18030(_ name: String, _ text: String) throws -> String {
            let utf8 = try daemon.file(name + ".utf8", Data(text.utf8))
            let converted = try BinaryRunner.run(
                iconv, ["-f", "UTF-8", "-t", "GB18030", "-o", daemon.root + "/" + name, utf8])
            #expect(converted.status == 0, "\(converted.stderr)")
            return daemon.root + "/" + name
        }
        // Bad: an address without a domain, an unknown unit, one id twice, a missing name.
        let bad = try gb18030(
            "bad.csv",
            """
            人员编号,姓名,所在单位,手机,邮箱
            p-sun,孙三,county-a,13800000001,sun.san@example
            p-li,李四,county-z,13800000002,li.si@example.org
            p-sun,孙三,county-a,13800000001,sun.san@example.org
            p-wu,,county-a,,
            """)
        let refused = try daemon.ctl(["import", "persons", bad])
        #expect(refused.status == 65, "\(refused.stdout)\(refused.stderr)")
        for expected in [
            "bad.csv:2: 'sun.san@example' is not an e-mail address", "bad.csv:3: the unit 'county-z' does not exist",
            "bad.csv:4: person 'p-sun' appears twice (also line 2)",
            "4 problems in 4 rows; nothing imported", "bad.csv:5: 'name' is empty",
        ] {
            #expect(
                (refused.stdout + refused.stderr).contains(expected), "\(expected): \(refused.stdout)\(refused.stderr)")
        }
        #expect(try daemon.succeed(["person", "list", "--json"]).stdout.isEmpty, "nothing imported")

        let good = try gb18030(
            "通讯录.csv",
            """
            人员编号,姓名,所在单位,手机,邮箱
            p-sun,孙三,county-a,13800000001,sun.san@example.org
            p-li,李四,甲县卫生局,,li.si@example.org
            """)
        try daemon.succeed(["import", "persons", good, "--dry-run"])
        #expect(try daemon.succeed(["person", "list", "--json"]).stdout.isEmpty, "a dry run imports nothing")
        try daemon.succeed(["import", "persons", good])
        let table = try daemon.succeed(["person", "list"]).stdout
        // The unit given by its name (甲县卫生局) is stored as its id.
        #expect(try daemon.succeed(["person", "show", "p-li", "--json"]).stdout.contains("\"unit\":\"county-a\""))
        #expect(table.contains("孙三") && table.contains("sun.san@example.org") && table.contains("13800000001"))
        #expect(table.contains("2 people."))

        // An export imports back into another ledger.
        let exported = try daemon.succeed(["export", "persons"]).stdout
        // A Chinese office (Language=zh) gets the contact sheet's own headers.
        #expect(exported.hasPrefix("人员编号,姓名,所在单位,手机,邮箱"), "\(exported.prefix(80))")
        let other = try CtlDaemon(name: "contacts-back")
        try other.succeed(["units", "add", "county-a", "--name", "甲县卫生局", "--kind", "county-bureau"])
        try other.succeed(["import", "persons", try other.file("persons.csv", Data(exported.utf8))])
        #expect(try other.succeed(["person", "list"]).stdout == table)
    }
}

/// Local HTTPS stand-ins for the DingTalk, WeCom and Feishu robots (robot-sink.py), checking each
/// post and its signature as documented; stopped by PID at the end.
private final class RobotSink {
    static let secret = "SECinvented0000robot0secret"
    let directory: String
    let process = Process()
    var port = 0

    init(root: String, certificate: String, key: String, limit: Int = 20) throws {
        directory = root + "/robots"
        process.executableURL = venvPython
        process.arguments = [
            scripts.appendingPathComponent("robot-sink.py").path, directory, root + "/robot-port", certificate, key,
            "--secret", Self.secret, "--limit", String(limit),
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: root + "/robot-port", encoding: .utf8), let port = Int(text) {
                self.port = port
                return
            }
            usleep(20_000)
        }
    }

    private func lines(_ name: String) throws -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: directory + "/" + name, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// The posts that passed every check, in order.
    func posts() throws -> [[String: Any]] { try lines("posts.jsonl") }
    /// The posts refused, with the check that refused them.
    func refused() throws -> [[String: Any]] { try lines("refused.jsonl") }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// The text of a post as its robot shows it.
private func postText(_ post: [String: Any]) -> String {
    let payload = post["payload"] as? [String: Any] ?? [:]
    return
        ((payload["markdown"] as? [String: Any])?["text"] ?? (payload["text"] as? [String: Any])?["content"]
        ?? (payload["content"] as? [String: Any])?["text"]) as? String ?? ""
}

/// Writes the credentials robot-NAME and deliver.conf for the robots; returns the arguments and
/// the environment of cadenced-deliver.
private func robotDeliverSetup(
    _ daemon: CtlDaemon, sink: RobotSink, ca: String, credentials: [String: String], extra: String = ""
) throws -> (arguments: [String], environment: [String: String]) {
    let directory = daemon.root + "/credentials"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for (robot, text) in credentials {
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/robot-" + robot))
    }
    try FileManager.default.createDirectory(atPath: daemon.root + "/deliver", withIntermediateDirectories: true)
    try Data("[Deliver]\nSocket=\(daemon.socket)\nPollSec=200ms\n[Robots]\nCAFile=\(ca)\n\(extra)\n".utf8)
        .write(to: URL(fileURLWithPath: daemon.root + "/deliver/deliver.conf"))
    return (["--config-dir", daemon.root + "/deliver", "--once"], ["CREDENTIALS_DIRECTORY": directory])
}

/// A test CA, the robots' stand-in with a certificate of it, and the stand-in's address.
private func startRobots(_ daemon: CtlDaemon) throws -> (ca: String, sink: RobotSink, base: String) {
    let (ca, certificate, key) = try testCertificates(in: daemon.root)
    let sink = try RobotSink(root: daemon.root, certificate: certificate, key: key)
    return (ca, sink, "https://localhost:\(sink.port)")
}

private let robotFiles = [
    "robots.d/county-a-group.robot": "[Robot]\nDescription=甲县卫生局工作群\nChannel=dingtalk\nUnits=county-a\n",
    "robots.d/city-wecom.robot": "[Robot]\nDescription=市卫生局整改群\nChannel=wecom\n",
    "robots.d/city-feishu.robot": "[Robot]\nChannel=feishu\nUnits=city\nKinds=deadline-warning overdue\n",
]

@Suite(
    "cadenced-deliver posts to the DingTalk, WeCom and Feishu robots, signed as documented, once per group",
    .serialized, .enabled(if: deliver != nil && CtlDaemon.cadenced != nil, "cadenced-deliver is not built"))
struct RobotDeliveryTests {
    @Test(
        "Each group's robot gets the warnings of its units once, gathered into one post, names masked, the responsible person @-mentioned; signatures verified by the stand-in"
    )
    func robotsOnce() throws {
        try requireSMTPServer()
        let daemon = try CtlDaemon(name: "robots", files: robotFiles)
        try daemon.succeed(["units", "add", "city", "--name", "示例市卫生局", "--kind", "bureau"])
        for (id, name) in [("county-a", "甲县卫生局"), ("county-b", "乙县卫生局")] {
            try daemon.succeed(["units", "add", id, "--name", name, "--kind", "county-bureau", "--parent", "city"])
        }
        try daemon.succeed([
            "person", "add", "p-sun", "--name", "孙三", "--unit", "county-a", "--mobile", "13800000001", "--feishu",
            "ou_sun3",
        ])
        try daemon.succeed(["role", "assign", "county-a", "first", "p-sun"])
        try daemon.succeed(["role", "assign", "county-b", "first", "钱七"])
        // Titles that name people, as circulars do: a group sees them masked (R30).
        for title in ["孙三值班制度未落实", "台账未更新", "公示栏缺失"] {
            try daemon.succeed(["item", "add", "--unit", "county-a", "--title", title, "--deadline", "+3"])
        }
        try daemon.succeed(["item", "add", "--unit", "county-b", "--title", "钱七培训记录不全", "--deadline", "+3"])
        let outbox = try deliveries(daemon).filter { ($0["channel"] as? String) != "email" }
        let byChannel = Dictionary(grouping: outbox) { $0["channel"] as? String ?? "" }.mapValues(\.count)
        // county-a's group takes county-a's three; the city's WeCom group all four; the Feishu
        // robot of the city (Units=city) the four of its sub-units.
        #expect(byChannel == ["dingtalk": 3, "wecom": 4, "feishu": 4], "\(byChannel)")
        #expect(outbox.contains { $0["personName"] as? String == "甲县卫生局工作群" })

        let (ca, sink, base) = try startRobots(daemon)
        let (arguments, environment) = try robotDeliverSetup(
            daemon, sink: sink, ca: ca,
            credentials: [
                "county-a-group": "\(base)/robot/send?access_token=tok-county-a\n\(RobotSink.secret)\n",
                "city-wecom": "\(base)/cgi-bin/webhook/send?key=key-city",
                "city-feishu": "\(base)/open-apis/bot/v2/hook/hook-city\n\(RobotSink.secret)",
            ])
        let run = try BinaryRunner.run(deliver!, arguments, environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("tok-county-a") && !run.stderr.contains(RobotSink.secret), "\(run.stderr)")
        let refused = try sink.refused()
        #expect(refused.isEmpty, "\(refused)")
        let posts = try sink.posts()
        #expect(posts.map { $0["robot"] as? String ?? "" }.sorted() == ["dingtalk", "feishu", "wecom"], "\(posts)")
        for post in posts {
            let text = postText(post)
            let payload = post["payload"] as? [String: Any] ?? [:]
            #expect(!text.contains("孙三") && text.contains("孙*值班制度未落实"), "\(post["robot"] ?? ""): \(text)")
            #expect(!text.contains("钱七"), "\(text)")
            switch post["robot"] as? String {
            case "dingtalk":
                #expect(["台账未更新", "公示栏缺失"].allSatisfy(text.contains) && !text.contains("培训记录不全"))
                #expect((payload["at"] as? [String: Any])?["atMobiles"] as? [String] == ["13800000001"])
                #expect(text.contains("@13800000001"))
            case "wecom":
                #expect(text.contains("钱*培训记录不全"), "\(text)")
                #expect(
                    (payload["text"] as? [String: Any])?["mentioned_mobile_list"] as? [String] == ["13800000001"])
            default:
                #expect(text.contains("<at user_id=\"ou_sun3\"></at>") && text.contains("钱*培训记录不全"))
            }
        }
        let after = try deliveries(daemon).filter { ($0["channel"] as? String) != "email" }
        #expect(after.allSatisfy { $0["state"] as? String == "sent" }, "\(after.map { $0["error"] ?? "" })")
        // Once: a second run posts nothing.
        _ = try BinaryRunner.run(deliver!, arguments, environment: environment)
        #expect(try sink.posts().count == 3)
    }

    // Faults tried: a DingTalk token that no longer exists (errcode 300001), a Feishu signature
    // made with another secret (19021, HTTP 400), a WeCom webhook answering HTTP 503 twice, a
    // robot without a credential, and more posts than PostsPerMinute= allows.
    @Test(
        "A refused token or signature is given up with a delivery-failed notice; HTTP 503 is tried again; no credential waits; beyond PostsPerMinute= the rest is held back, untried"
    )
    func robotFaults() throws {
        try requireSMTPServer()
        let daemon = try CtlDaemon(
            name: "robot-faults",
            files: robotFiles.merging(["robots.d/forgotten.robot": "[Robot]\nChannel=dingtalk\n"]) { $1 })
        try daemon.succeed(["units", "add", "city", "--name", "示例市卫生局", "--kind", "bureau"])
        try daemon.succeed([
            "units", "add", "county-a", "--name", "甲县卫生局", "--kind", "county-bureau", "--parent", "city",
        ])
        try daemon.succeed(["role", "assign", "county-a", "first", "孙三"])
        try daemon.succeed(["item", "add", "--unit", "county-a", "--title", "值班制度未落实", "--deadline", "+3"])
        let (ca, sink, base) = try startRobots(daemon)
        let (arguments, environment) = try robotDeliverSetup(
            daemon, sink: sink, ca: ca,
            credentials: [
                "county-a-group": "\(base)/robot/send?access_token=expired\n\(RobotSink.secret)",
                "city-wecom": "\(base)/cgi-bin/webhook/send?key=busy-city",
                "city-feishu": "\(base)/open-apis/bot/v2/hook/hook-city\nSECanother0secret",
            ])
        let first = try BinaryRunner.run(deliver!, arguments, environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("there is no credential robot-forgotten"), "\(first.stderr)")
        let states = Dictionary(
            uniqueKeysWithValues: try deliveries(daemon).map {
                ($0["person"] as? String ?? "", ($0["state"] as? String ?? "", $0["error"] as? String ?? ""))
            })
        #expect(
            states["county-a-group"]?.0 == "failed" && states["county-a-group"]?.1.contains("errcode 300001") == true)
        #expect(states["city-feishu"]?.0 == "failed" && states["city-feishu"]?.1.contains("errcode 19021") == true)
        // The stand-in's 503 carries errcode -1, "system busy": tried again.
        #expect(states["city-wecom"]?.0 == "waiting" && states["city-wecom"]?.1.contains("busy") == true, "\(states)")
        // No credential: it waits untried, a minute at a time, not at the head of every batch.
        #expect(states["forgotten"]?.0 == "waiting", "\(states)")
        #expect(states["forgotten"]?.1.contains("no usable credential robot-forgotten") == true, "\(states)")
        let failedNotices = try daemon.succeed(["notices", "--kind", "delivery-failed", "--json"]).stdout
        #expect(failedNotices.split(separator: "\n").count == 2, "\(failedNotices)")
        #expect(try sink.posts().isEmpty)

        // The rate: 25 more items for county-a, PostsPerMinute=2 → two posts of 10, 5 held back.
        for number in 1...25 {
            try daemon.succeed(["item", "add", "--unit", "county-a", "--title", "问题 \(number)", "--deadline", "+3"])
        }
        let (limited, limitedEnvironment) = try robotDeliverSetup(
            daemon, sink: sink, ca: ca,
            credentials: ["county-a-group": "\(base)/robot/send?access_token=tok-rate\n\(RobotSink.secret)"],
            extra: "PostsPerMinute=2")
        let second = try BinaryRunner.run(deliver!, limited, environment: limitedEnvironment)
        #expect(second.status == 0, "\(second.stderr)")
        let rated = try sink.posts().filter { $0["token"] as? String == "tok-rate" }
        #expect(rated.count == 2, "\(rated.count) posts")
        let group = try deliveries(daemon).filter {
            $0["person"] as? String == "county-a-group" && $0["state"] as? String != "failed"
        }
        #expect(group.filter { $0["state"] as? String == "sent" }.count == 20)
        let held = group.filter { $0["state"] as? String == "waiting" }
        #expect(held.count == 5 && held.allSatisfy { ($0["error"] as? String)?.contains("held back") == true })
        #expect(held.allSatisfy { ($0["attempts"] as? Int) == 0 }, "held back is not an attempt")
    }

    // Bad input tried: a command that refuses (exit 1, a reason on stderr), one that asks for
    // later (exit 75), one that hangs past TimeoutSec=, and a receiver file without Exec=.
    @Test(
        "Channel=exec: each message is one run of the command, the message as JSON on its standard input, names masked; exit 0 sent, 75 and a timeout tried again, another status given up"
    )
    func commandReceiver() throws {
        try requireSMTPServer()
        let received =
            FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-exec-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: received) }
        let script = scripts.appendingPathComponent("command-receiver.sh").path
        let daemon = try CtlDaemon(
            name: "robot-exec",
            files: [
                "robots.d/county-sms.robot":
                    "[Robot]\nDescription=甲县短信群发\nChannel=exec\nExec=\(script) \"\(received)\"\nUnits=county-a\nTimeoutSec=2s\n"
            ])
        try daemon.succeed(["units", "add", "county-a", "--name", "甲县卫生局", "--kind", "county-bureau"])
        try daemon.succeed(["person", "add", "p-sun", "--name", "孙三", "--mobile", "13800000001"])
        try daemon.succeed(["role", "assign", "county-a", "first", "p-sun"])
        for title in ["孙三值班制度未落实", "拒收测试", "稍后再试", "卡住不动"] {
            try daemon.succeed(["item", "add", "--unit", "county-a", "--title", title, "--deadline", "+3"])
        }
        try FileManager.default.createDirectory(atPath: daemon.root + "/deliver", withIntermediateDirectories: true)
        try Data("[Deliver]\nSocket=\(daemon.socket)\nPollSec=200ms\n".utf8)
            .write(to: URL(fileURLWithPath: daemon.root + "/deliver/deliver.conf"))
        // cadenced-deliver reads the receiver's Exec= from cadenced's configuration directory.
        try FileManager.default.createDirectory(
            atPath: daemon.root + "/deliver/robots.d", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: daemon.root + "/config/robots.d/county-sms.robot",
            toPath: daemon.root + "/deliver/robots.d/county-sms.robot")
        let run = try BinaryRunner.run(deliver!, ["--config-dir", daemon.root + "/deliver", "--once"])
        #expect(run.status == 0, "\(run.stderr)")
        let inputs = try FileManager.default.contentsOfDirectory(atPath: received).filter { $0.hasSuffix(".json") }
            .compactMap { name in
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: received + "/" + name)))
                    as? [String: Any]
            }
        #expect(inputs.count == 4, "\(inputs.count) runs")
        let first = try #require(inputs.first { ($0["body"] as? String)?.contains("值班制度") == true })
        #expect((first["body"] as? String)?.contains("孙*值班制度未落实") == true, "\(first)")
        #expect(first["recipient"] as? String == "甲县短信群发" && first["mentions"] as? [String] == ["13800000001"])
        #expect(first["kind"] as? String == "deadline-warning" && (first["messageKey"] as? String)?.isEmpty == false)
        // Each message's item, by the title the command received in its body.
        var itemOfTitle: [String: String] = [:]
        for input in inputs {
            for word in ["值班制度", "拒收", "稍后", "卡住"] where (input["body"] as? String)?.contains(word) == true {
                itemOfTitle[word] = input["notice"] as? String
            }
        }
        let states = try deliveries(daemon).filter { $0["channel"] as? String == "exec" }.map {
            ($0["notice"] as? String ?? "", $0["state"] as? String ?? "", $0["error"] as? String ?? "")
        }
        func state(_ word: String) -> (String, String)? {
            states.first { $0.0 == itemOfTitle[word] }.map { ($0.1, $0.2) }
        }
        #expect(state("值班制度")?.0 == "sent", "\(states)")
        #expect(state("拒收")?.0 == "failed" && state("拒收")?.1.hasSuffix("exited with status 1: no such group") == true)
        #expect(state("稍后")?.0 == "waiting" && state("稍后")?.1.contains("exit 75") == true)
        #expect(state("卡住")?.0 == "waiting" && state("卡住")?.1.contains("did not finish within 2 s") == true)
        let failed = try daemon.succeed(["notices", "--kind", "delivery-failed", "--json"]).stdout
        #expect(failed.split(separator: "\n").count == 1, "\(failed)")

        // A receiver file that lost its Exec=: its messages wait, said once.
        try Data("[Robot]\nChannel=exec\n".utf8)
            .write(to: URL(fileURLWithPath: daemon.root + "/deliver/robots.d/county-sms.robot"))
        try daemon.succeed([
            "deliveries", "retry",
            "\(try #require(try deliveries(daemon).first { $0["state"] as? String == "failed" && $0["channel"] as? String == "exec" }?["id"] as? Int))",
        ])
        let broken = try BinaryRunner.run(deliver!, ["--config-dir", daemon.root + "/deliver", "--once"])
        #expect(
            broken.stderr.contains("messages to the command county-sms wait: its file has errors"), "\(broken.stderr)")
        #expect(broken.stderr.contains("Channel=exec needs Exec="), "\(broken.stderr)")
    }
}
