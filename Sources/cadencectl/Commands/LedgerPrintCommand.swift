import ArgumentParser
import CadenceControl
import CadenceCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `cadencectl ledger …`: the printed rectification ledger.
struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "The rectification ledger (整改台账) as offices print it.",
        subcommands: [Print.self], defaultSubcommand: Print.self)

    struct Print: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the ledger: a PDF (through headless Chromium) or an HTML page.",
            discussion: """
                Per unit, on A4 landscape: 序号, 问题, 整改措施, 责任人, 整改时限, 完成情况, 销号日期, \
                验收人, 备注; the unit's name and today's date in the heading, page numbers, and a \
                signature line. Each unit starts a new page; --unit prints that unit and the units \
                under it, without it every unit. An output file ending in .pdf is printed by headless \
                Chromium (Debian: apt-get install chromium fonts-wqy-microhei); any other, or none \
                (standard output), gets the HTML page, which prints the same from a browser.

                Examples:
                  cadencectl ledger print --unit county-a -o 台账.pdf
                  cadencectl ledger print -o 全部台账.html
                """)
        @OptionGroup var socket: SocketOptions
        @Option(help: "This unit and the units under it (default: every unit).") var unit: String?
        @Option(help: "Its language (default: the daemon's Language=).") var language: NoticeLanguage?
        @Option(
            name: [.customShort("o"), .long], help: "Write to this file (.pdf: printed) instead of standard output.")
        var output: String?
        @Option(help: "The browser that prints the PDF (default: chromium on the PATH).") var chromium: String?

        func run() throws {
            let reply = try socket.call(PrintLedgerCall { ($0.unit, $0.language) = (unit, language) })
            let html = reply["html"] as? String ?? ""
            guard let output, output.lowercased().hasSuffix(".pdf") else {
                return try writeOutput(Data(html.utf8), to: output)
            }
            try printPDF(html, to: output)
            let items = reply["items"] as? Int ?? 0
            let units = reply["units"] as? Int ?? 0
            printError("Printed \(items) items of \(units) units to \(output).")
        }

        /// Prints the page to `output` with headless Chromium, in a profile and directory of its own.
        private func printPDF(_ html: String, to output: String) throws {
            guard let browser = chromium ?? Self.browserOnPath() else {
                printError(
                    "a PDF is printed by headless Chromium, which is not installed (Debian: apt-get install chromium "
                        + "fonts-wqy-microhei); or write the HTML page (-o 台账.html) and print it from a browser")
                throw ExitCode(69)  // EX_UNAVAILABLE
            }
            let work = FileManager.default.temporaryDirectory.appendingPathComponent("cadencectl-print-\(UUID())")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: work) }
            let page = work.appendingPathComponent("ledger.html")
            try Data(html.utf8).write(to: page)
            let target = URL(fileURLWithPath: output).standardizedFileURL
            let process = Process()
            process.executableURL = URL(fileURLWithPath: browser)
            // No sandbox: as root (a server's administrator), Chromium's own sandbox refuses to start.
            // No tagged (accessible) PDF: tagging a ledger of 5,000 rows takes longer than printing it,
            // and makes the file ten times larger; the HTML page is the accessible form.
            process.arguments = [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-pdf-tagging",
                "--disable-extensions", "--disable-background-networking",
                "--user-data-dir=\(work.appendingPathComponent("profile").path)", "--no-pdf-header-footer",
                "--print-to-pdf=\(target.path)", page.absoluteString,
            ]
            process.standardOutput = FileHandle.nullDevice
            let errors = Pipe()
            process.standardError = errors
            try? FileManager.default.removeItem(at: target)
            do {
                try process.run()
            } catch {
                printError("cannot start \(browser): \(error.localizedDescription)")
                throw ExitCode(69)
            }
            let pid = process.processIdentifier
            let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
            DispatchQueue.global().asyncAfter(deadline: .now() + 300, execute: watchdog)
            let stderr = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            watchdog.cancel()
            guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: target.path) else {
                let last = String(decoding: stderr, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
                printError("\(browser) could not print '\(output)' (exit \(process.terminationStatus)) \(last)")
                throw ExitCode(73)
            }
        }

        static func browserOnPath() -> String? {
            for name in ["chromium", "chromium-browser", "google-chrome"] {
                for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
                    let path = "\(dir)/\(name)"
                    if FileManager.default.isExecutableFile(atPath: path) { return path }
                }
            }
            return nil
        }
    }
}
