import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Headless Chromium (Debian's `chromium`), to look at a page as a person would: the DOM after
/// layout, a screenshot, a print to PDF.
struct Chromium {
    let executable: URL

    /// The installed browser, or nil.
    static let installed: Chromium? = {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
                let url = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: url.path) { return Chromium(executable: url) }
            }
        }
        return nil
    }()

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs the browser headless on a local file with `arguments`, in a profile of its own, and
    /// returns its standard output. Killed after `timeout` seconds.
    func run(_ file: String, _ arguments: [String], timeout: TimeInterval = 60) throws -> Data {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-chromium-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let process = Process()
        process.executableURL = executable
        // No sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--hide-scrollbars", "--user-data-dir=\(profile)", "--disable-extensions",
                "--disable-background-networking",
            ] + arguments + [URL(fileURLWithPath: file).absoluteString]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "chromium \(arguments) exited with \(process.terminationStatus)")
        }
        return data
    }

    /// The DOM after the page has loaded and laid out.
    func dom(_ file: String) throws -> String {
        String(decoding: try run(file, ["--dump-dom"]), as: UTF8.self)
    }

    /// A PNG of the top `width` × `height` pixels of the page.
    func screenshot(_ file: String, to png: String, width: Int, height: Int) throws {
        _ = try run(file, ["--screenshot=\(png)", "--window-size=\(width),\(height)"])
    }

    /// The page printed with its print stylesheet.
    func pdf(_ file: String, to pdf: String) throws {
        _ = try run(file, ["--print-to-pdf=\(pdf)", "--no-pdf-header-footer"])
    }
}

/// Width and height from a PNG's IHDR chunk, or nil when `data` is not a PNG.
func pngSize(_ data: Data) -> (width: Int, height: Int)? {
    let bytes = [UInt8](data.prefix(24))
    guard bytes.count == 24, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        bytes[12...15].elementsEqual("IHDR".utf8)
    else { return nil }
    func be32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    return (be32(16), be32(20))
}

/// Occurrences of `needle` in `text`.
func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }
