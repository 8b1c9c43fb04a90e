"""Shared pieces of the reliability campaigns (Tests/reliability/*.py): a check recorder that
ends with one machine-readable RESULT line, the Varlink client (Tests/varlink/varlinkwire.py), the cadenced process, a
journald of the campaign's own (inside Tests/reliability/private-ns), and audits of what the
daemon left behind: the ledger, the notice tree with its index, and the journal.

The audits answer the questions every campaign asks after abusing the daemon: is every notice
the ledger stored in both sinks exactly once (one file, one index line, one journal entry), is
no notice emitted before it was due, and did anything escape the notice tree?
"""

import hashlib
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "varlink"))
from varlinkwire import LEDGER, Client, Unreachable, call  # noqa: E402,F401 - re-exported to the campaigns

JOURNALD = "/lib/systemd/systemd-journald"
JOURNAL_SOCKET = "/run/systemd/journal/socket"


# --- Reporting


class Recorder:
    """Counts checks; a failing check is printed with its detail and the run goes on. `figures`
    collects the numbers a campaign reports; `finish` prints them as one `RESULT {json}` line
    (read by scripts/reliability) and exits 1 when any check failed."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0
        self.failures = []
        self.figures = {}
        self.started = time.monotonic()

    def check(self, condition, what, detail=""):
        if condition:
            self.passed += 1
            print(f"ok   {what}", flush=True)
        else:
            self.failed += 1
            self.failures.append(what)
            print(f"FAIL {what}" + (f": {detail}" if detail else ""), flush=True)
        return condition

    def note(self, text):
        print(f"#    {text}", flush=True)

    def finish(self):
        self.figures["checks_passed"] = self.passed
        self.figures["checks_failed"] = self.failed
        self.figures["seconds"] = round(time.monotonic() - self.started, 1)
        print(f"{self.passed} passed, {self.failed} failed", flush=True)
        if self.failures:
            print("failed: " + "; ".join(self.failures), flush=True)
        print("RESULT " + json.dumps({"campaign": self.name, **self.figures}, sort_keys=True), flush=True)
        sys.exit(1 if self.failed else 0)


def skip(reason):
    """Ends a campaign that cannot run here, with the reason (exit 0, as the other system tests).
    Under CI=true, where scripts/deps installs everything and the tests run as root, it is a failure."""
    if os.environ.get("CI") == "true":
        print(f"FAIL: cannot run under CI=true: {reason}", flush=True)
        sys.exit(1)
    print(f"SKIP: {reason}", flush=True)
    sys.exit(0)


def require_private_namespace():
    if os.geteuid() != 0:
        skip("needs root (a private mount namespace with its own journald)")
    if os.environ.get("CADENCED_PRIVATE_NS") != "1":
        sys.exit("run this campaign through Tests/reliability/private-ns (it starts its own journald)")


# --- Varlink


# --- Processes


class Daemon:
    """cadenced on a configuration and state directory, logging to a file; started, killed and
    restarted by the campaign. `prefix` runs it through another program (faketime, setpriv)."""

    def __init__(self, binary, config, state, log, prefix=(), env=None):
        self.binary = binary
        self.config = config
        self.state = state
        self.socket = os.path.join(state, "io.cadenced")
        # A Unix socket's path holds at most 107 bytes, and work directories can be deep: inside
        # private-ns, /run is the campaign's own and short.
        if len(self.socket.encode()) > 100 and os.environ.get("CADENCED_PRIVATE_NS") == "1":
            self.socket = f"/run/cadenced-{hashlib.sha256(state.encode()).hexdigest()[:12]}.sock"
        self.log = log
        self.prefix = list(prefix)
        self.env = dict(os.environ, **(env or {}))
        self.env.setdefault("SWIFT_BACKTRACE", "enable=no")
        # Should the arguments get lost (see clock-campaign.py), the state still goes here, never
        # to the machine's /var/lib/cadenced.
        self.env["STATE_DIRECTORY"] = state
        self.process = None
        self.starts = 0

    def start(self):
        os.makedirs(self.state, exist_ok=True)
        with open(self.log, "ab") as log:
            log.write(f"--- start {self.starts + 1} at {time.time():.3f}\n".encode())
            self.process = subprocess.Popen(
                self.prefix + [self.binary, "--config-dir", self.config, "--state-dir", self.state,
                               "--control-socket", self.socket],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, env=self.env)
        self.starts += 1
        return self.process.pid

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def wait_ready(self, seconds=30.0):
        """Waits until the control socket answers GetStatus; returns the status or None."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.running:
            try:
                reply = call(self.socket, "GetStatus", timeout=5)
                if "parameters" in reply:
                    return reply["parameters"]["status"]
            except Unreachable:
                pass
            time.sleep(0.02)
        return None

    def status(self):
        return call(self.socket, "GetStatus")["parameters"]["status"]

    def signal(self, number, wait=30.0):
        """Sends `number` and waits for the exit; returns the exit status (negative: signal) or
        None when it did not exit in time."""
        if not self.running:
            return self.process.returncode if self.process else None
        os.kill(self.process.pid, number)
        try:
            return self.process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        status = self.signal(signal.SIGKILL)
        assert status is not None
        return status

    def stop(self):
        """SIGTERM; SIGKILL after 30 s. Returns the exit status."""
        status = self.signal(signal.SIGTERM)
        if status is None:
            status = self.kill()
        return status

    def log_text(self):
        with open(self.log, "rb") as log:
            return log.read().decode(errors="replace")


class Journald:
    """A systemd-journald of the campaign's own: only inside private-ns, where /run is private."""

    def __init__(self, log):
        self.log = log
        self.process = None

    def start(self):
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([JOURNALD], stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if listening():
                return
            time.sleep(0.01)
        raise RuntimeError("journald did not listen within 10 s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def restart_empty(self):
        """Stops journald, removes its files (in private-ns's own /run) and starts it again, so
        that the next audit sees only what came after."""
        assert os.environ.get("CADENCED_PRIVATE_NS") == "1"
        self.stop()
        for directory, _, names in os.walk("/run/log/journal"):
            for name in names:
                if name.endswith((".journal", ".journal~")):
                    os.unlink(os.path.join(directory, name))
        self.start()


def listening():
    """An empty datagram to the journal socket: refused or absent means nobody listens."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        probe.sendto(b"", JOURNAL_SOCKET)
        return True
    except OSError:
        return False
    finally:
        probe.close()


def journal_entries(*matches, fields=None):
    """Entries of the (campaign's) journal as dicts, `journalctl -o json MATCH...`; values that
    are not valid UTF-8 or repeat come back as lists, as journalctl prints them."""
    arguments = ["journalctl", "--no-pager", "-q", "-o", "json", "--all"]
    if fields:
        arguments.append("--output-fields=" + ",".join(fields))
    result = subprocess.run(arguments + list(matches), capture_output=True, check=False)
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def journal_sync():
    """journalctl --sync: everything journald received is in its files."""
    subprocess.run(["journalctl", "--sync"], capture_output=True, check=False, timeout=30)


# --- Configuration


def write_config(directory, conf, cadences=None):
    """cadenced.conf and cadences.d/NAME.cadence files in `directory`."""
    os.makedirs(os.path.join(directory, "cadences.d"), exist_ok=True)
    with open(os.path.join(directory, "cadenced.conf"), "w") as f:
        f.write(conf)
    for name, body in (cadences or {}).items():
        with open(os.path.join(directory, "cadences.d", name + ".cadence"), "w") as f:
            f.write(body)


def iso(instant):
    """An instant (seconds since 1970) as the RFC 3339 text the control socket takes."""
    whole = int(instant)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{int((instant - whole) * 1e6):06d}Z"


# --- Audits


def ledger(state):
    """The ledger, read-only (the daemon must be stopped or idle)."""
    db = sqlite3.connect(f"file:{os.path.join(state, 'ledger.sqlite')}?mode=ro", uri=True, timeout=30)
    db.row_factory = sqlite3.Row
    return db


def notice_id(key):
    """A notice's id (CADENCED_NOTICE_ID, the end of its file name): FNV-1a 64 of its key, as
    cadenced's StableHash computes it."""
    value = 0xCBF29CE484222325
    for byte in key.encode():
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}"


NOTICE_FILE = re.compile(r"^\d{4}/\d{2}/\d{2}/\d{6}-[a-z-]+-[a-z0-9-]+-([0-9a-f]+)\.md$")


def audit_notices(state, notice_directory=None, journal=True):
    """Every notice the ledger stored, against its sinks. Returns figures:

    notices           notices in the ledger
    undelivered       of those, not yet marked written to file and sent to the journal
    early             emitted before they were due
    files             .md files in the notice tree; file_missing / file_duplicates / file_orphans
                      (a notice with no file, ids with more than one file, files of no notice)
    index_lines       lines of index.jsonl; index_missing / index_duplicates / index_bad (not JSON)
    temporaries       .tmp-* files left in the tree
    outside           files under the state directory that are neither the ledger, the socket
                      nor in the notice tree's dated layout (an escape from the tree)
    journal_entries   entries with CADENCED_NOTICE_ID; journal_missing / journal_duplicates /
                      journal_unknown; journal_mismatch (fields that differ from the ledger's notice)
    """
    notice_directory = notice_directory or os.path.join(state, "notices")
    db = ledger(state)
    rows = db.execute("SELECT key, kind, dueAt, emittedAt, payload, file, fileWritten, journalSent FROM notice").fetchall()
    db.close()
    notices = {}
    for row in rows:
        payload = json.loads(row["payload"])
        notices[notice_id(row["key"])] = dict(row, id=notice_id(row["key"]), payload=payload)
    figures = {"notices": len(notices)}
    figures["undelivered"] = sum(1 for n in notices.values() if not (n["fileWritten"] and n["journalSent"]))
    figures["early"] = sum(1 for n in notices.values() if n["emittedAt"] < n["dueAt"])
    lateness = sorted((n["emittedAt"] - n["dueAt"]) / 1e6 for n in notices.values() if not n["payload"].get("late"))
    if lateness:
        figures["on_time_lateness_p50_ms"] = round(lateness[len(lateness) // 2] * 1000, 1)
        figures["on_time_lateness_p99_ms"] = round(lateness[min(len(lateness) - 1, len(lateness) * 99 // 100)] * 1000, 1)

    by_id = {}
    temporaries = 0
    outside = []
    walked = set()
    for top in (state, notice_directory):
        for directory, _, names in os.walk(top):
            for name in names:
                path = os.path.realpath(os.path.join(directory, name))
                if path in walked:
                    continue
                walked.add(path)
                relative = os.path.relpath(path, os.path.realpath(notice_directory))
                if name.startswith(".tmp-"):
                    temporaries += 1
                    continue
                if os.path.dirname(path) == os.path.realpath(state) and re.match(
                        r"^(ledger\.sqlite(-wal|-shm)?|io\.cadenced)$", name):
                    continue
                if relative == "index.jsonl":
                    continue
                # The copy of the last good configuration (state/last-good-config.MICROS/...).
                in_state = os.path.relpath(path, os.path.realpath(state))
                if re.match(r"^last-good-config\.[0-9]+/[A-Za-z0-9_./-]+\.(conf|cadence|md)$", in_state):
                    continue
                match = NOTICE_FILE.match(relative) if not relative.startswith("..") else None
                if not match:
                    outside.append(path)
                    continue
                by_id.setdefault(match.group(1), []).append(relative)
    figures["files"] = sum(len(v) for v in by_id.values())
    figures["file_duplicates"] = sum(len(v) - 1 for v in by_id.values() if len(v) > 1)
    figures["file_orphans"] = sum(len(v) for k, v in by_id.items() if k not in notices)
    figures["file_missing"] = sum(
        1 for i, n in notices.items()
        if n["fileWritten"] and not (n["file"] and os.path.isfile(os.path.join(notice_directory, n["file"])))
        or i not in by_id)
    figures["temporaries"] = temporaries
    figures["outside"] = len(outside)
    if outside:
        print("#    outside the notice tree: " + ", ".join(sorted(outside)[:10]), flush=True)

    keys = {}
    bad = 0
    index = os.path.join(notice_directory, "index.jsonl")
    lines = open(index, "rb").read().split(b"\n") if os.path.exists(index) else []
    for line in lines:
        if not line:
            continue
        try:
            keys[json.loads(line)["key"]] = keys.get(json.loads(line)["key"], 0) + 1
        except (ValueError, KeyError):
            bad += 1
    figures["index_lines"] = sum(keys.values()) + bad
    figures["index_bad"] = bad
    figures["index_duplicates"] = sum(c - 1 for c in keys.values() if c > 1)
    figures["index_missing"] = sum(1 for n in notices.values() if n["fileWritten"] and n["key"] not in keys)

    if journal:
        journal_sync()
        entries = journal_entries("SYSLOG_IDENTIFIER=cadenced")
        seen = {}
        mismatch = 0
        for entry in entries:
            entry_id = entry.get("CADENCED_NOTICE_ID")
            if entry_id is None:
                continue
            seen[entry_id] = seen.get(entry_id, 0) + 1
            notice = notices.get(entry_id)
            if notice and (entry.get("CADENCED_NOTICE_KEY") != notice["key"]
                           or entry.get("CADENCED_KIND") != notice["kind"]):
                mismatch += 1
        figures["journal_entries"] = sum(seen.values())
        figures["journal_duplicates"] = sum(c - 1 for c in seen.values() if c > 1)
        figures["journal_unknown"] = sum(c for i, c in seen.items() if i not in notices)
        figures["journal_missing"] = sum(1 for i, n in notices.items() if n["journalSent"] and i not in seen)
        figures["journal_mismatch"] = mismatch
    return figures


def check_notice_audit(t, figures, what, journal=True):
    """The checks every campaign makes on audit_notices' figures."""
    t.check(figures["undelivered"] == 0, f"{what}: every notice delivered to both sinks", str(figures["undelivered"]))
    t.check(figures["early"] == 0, f"{what}: no notice emitted before it was due", str(figures["early"]))
    t.check(figures["file_missing"] == 0 and figures["file_duplicates"] == 0 and figures["file_orphans"] == 0
            and figures["files"] == figures["notices"],
            f"{what}: one file per notice ({figures['files']} files, {figures['notices']} notices)",
            json.dumps({k: figures[k] for k in ("file_missing", "file_duplicates", "file_orphans")}))
    t.check(figures["index_missing"] == 0 and figures["index_duplicates"] == 0 and figures["index_bad"] == 0
            and figures["index_lines"] == figures["notices"],
            f"{what}: one index line per notice ({figures['index_lines']} lines)",
            json.dumps({k: figures[k] for k in ("index_missing", "index_duplicates", "index_bad")}))
    t.check(figures["outside"] == 0, f"{what}: nothing written outside the notice tree", str(figures["outside"]))
    if journal:
        t.check(figures["journal_missing"] == 0 and figures["journal_duplicates"] == 0
                and figures["journal_unknown"] == 0 and figures["journal_mismatch"] == 0
                and figures["journal_entries"] == figures["notices"],
                f"{what}: one journal entry per notice ({figures['journal_entries']} entries)",
                json.dumps({k: figures[k] for k in ("journal_missing", "journal_duplicates", "journal_unknown",
                                                     "journal_mismatch")}))
