import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What the test suite needs from the machine. Elsewhere a test whose part is missing is skipped
/// with its reason; under CI=true (`.ci/run`: root, after scripts/deps) each one is required, so
/// that no skip can hide there.
@Suite("The machine has every part the tests use (CI)")
struct ContinuousIntegrationTests {
    @Test(
        "Under CI=true: root, systemd-analyze, journalctl, systemd-journald, iconv, setpriv, make, sqlite3, faketime, pdftoppm, pdftotext, groff, man, debootstrap, dh, lintian, chromium, python3 with varlink"
    )
    func everyPartPresent() throws {
        guard ProcessInfo.processInfo.environment["CI"] == "true" else {
            try Test.cancel("not under CI=true: a missing part only skips the tests that need it")
        }
        #expect(getuid() == 0, "CI runs the tests as root (namespaces, journald, other users)")
        for tool in [
            "systemd-analyze", "journalctl", "iconv", "setpriv", "make", "sqlite3", "faketime", "unshare", "pdftoppm",
            "pdftotext", "groff", "man", "debootstrap", "dh", "lintian", "dpkg-deb",
        ] {
            #expect(BinaryRunner.which(tool) != nil, "\(tool) is missing (scripts/deps installs it)")
        }
        #expect(
            BinaryRunner.which("chromium") != nil || BinaryRunner.which("chromium-browser") != nil,
            "chromium is missing (scripts/deps installs it)")
        #expect(FileManager.default.isExecutableFile(atPath: "/lib/systemd/systemd-journald"))
        #expect(FileManager.default.isExecutableFile(atPath: "/lib/systemd/systemd"))
        let venv = BinaryRunner.packageRoot.appendingPathComponent(".build/venv/bin/python3")
        #expect(FileManager.default.isExecutableFile(atPath: venv.path), "scripts/deps did not make .build/venv")
        if FileManager.default.isExecutableFile(atPath: venv.path) {
            let probe = try BinaryRunner.run(venv, ["-c", "import varlink"])
            #expect(probe.status == 0, "the venv's python3 cannot import varlink: \(probe.stderr)")
        }
    }
}
