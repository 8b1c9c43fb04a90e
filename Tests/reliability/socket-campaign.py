#!/usr/bin/env python3
"""Socket abuse, all at once: while oversized, malformed, slow, non-reading and flooding clients
hammer the control socket together, a well-behaved client keeps working (status, items added and
read back) and must be answered every time, promptly. Then Tests/varlink/abuse.py (each abuse
on its own, with its checks) runs against the same daemon. Last, clients that each send a byte now
and then fill MaxConnections: a new client must still be served.

Usage (inside Tests/reliability/private-ns, as root):
  socket-campaign.py --bin DIR --work DIR [--seconds 20]
"""

import argparse
import os
import random
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import Client, Daemon, Unreachable  # noqa: E402

arguments = argparse.ArgumentParser()
arguments.add_argument("--bin", required=True)
arguments.add_argument("--work", required=True)
arguments.add_argument("--seconds", type=float, default=20)
options = arguments.parse_args()
harness.require_private_namespace()
t = harness.Recorder("socket")

MAX_CONNECTIONS, MAX_MESSAGE, IDLE = 64, 4096, 2
work = os.path.abspath(options.work)
config = os.path.join(work, "config")
harness.write_config(config, f"""[Daemon]
TimeZone=UTC
Language=en
[Control]
MaxConnections={MAX_CONNECTIONS}
MaxMessageSize=4K
MaxImportSize=8K
IdleTimeoutSec={IDLE}s
""")
journald = harness.Journald(os.path.join(work, "journald.log"))
journald.start()
# abuse.py checks a peer that may not write from a child running as uid 65534, which must reach
# the socket: the state lives in private-ns's own /run (0755), not under the work directory.
daemon = Daemon(os.path.join(options.bin, "cadenced"), config, "/run/cadenced-socket",
                os.path.join(work, "cadenced.log"))
daemon.start()
t.check(daemon.wait_ready() is not None, "the daemon starts")
harness.call(daemon.socket, "AddUnit", {"id": "socket-unit", "name": "Socket Unit", "kind": "other"})
stop = threading.Event()
counts = {}
lock = threading.Lock()


def count(what):
    with lock:
        counts[what] = counts.get(what, 0) + 1


def connect():
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(5)
    sock.connect(daemon.socket)
    return sock


def abuser(kind, rng):
    while not stop.is_set():
        try:
            sock = connect()
        except OSError:
            count(f"{kind}: connect failed")
            time.sleep(0.05)
            continue
        try:
            if kind == "oversized":
                sock.sendall(b"{" + b'"x":1,' * (3 * MAX_MESSAGE))
            elif kind == "malformed":
                sock.sendall(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))) + b"\0")
            elif kind == "slow":
                message = b'{"method":"io.cadenced.Ledger.GetStatus"}\0'
                for byte in message:
                    if stop.is_set():
                        break
                    sock.send(bytes([byte]))
                    time.sleep(0.05)
            elif kind == "non-reading":
                sock.sendall(b'{"method":"io.cadenced.Ledger.ListItems","parameters":{"limit":1000}}\0' * 200)
                time.sleep(1.0)
            elif kind == "flood":
                count(kind)
                continue  # connect and hang up at once
            sock.settimeout(1)
            try:
                while sock.recv(65536):
                    pass
            except OSError:
                pass
            count(kind)
        except OSError:
            count(f"{kind}: reset")
        finally:
            sock.close()


# --- Clients that connect and hang up at once: their slots must not keep others out (until the
# daemon reaped hung-up connections at the limit, such a flood filled MaxConnections= before their
# end-of-file was read, and others were refused).
threads = [threading.Thread(target=abuser, args=("flood", random.Random(n)), daemon=True) for n in range(8)]
for thread in threads:
    thread.start()
refused = 0
for n in range(30):
    try:
        refused += "parameters" not in harness.call(daemon.socket, "GetStatus", timeout=10)
    except Unreachable:
        refused += 1
    time.sleep(0.05)
stop.set()
for thread in threads:
    thread.join(15)
stop.clear()
t.check(refused == 0, f"during a flood of connect-and-hang-up clients, another is served ({30 - refused} of 30)")
t.figures["flood_refusals"] = refused

# --- Everything at once, and a well-behaved client in the middle of it
rng = random.Random(7)
threads = [threading.Thread(target=abuser, args=(kind, random.Random(rng.random())), daemon=True)
           for kind, n in (("oversized", 4), ("malformed", 4), ("slow", 8), ("non-reading", 4), ("flood", 2))
           for _ in range(n)]
for thread in threads:
    thread.start()
latencies = []
failures = []
end = time.monotonic() + options.seconds
n = 0
while time.monotonic() < end:
    n += 1
    started = time.monotonic()
    try:
        client = Client(daemon.socket, timeout=10)
        status = client.call("GetStatus")
        added = client.call("AddItem", {"unit": "socket-unit", "title": f"socket item {n}", "deadline": "+30",
                                        "first": "Director Socket"})
        got = client.call("GetItem", {"id": added["parameters"]["item"]["id"]})
        client.close()
        if "parameters" not in status or got["parameters"]["item"]["title"] != f"socket item {n}":
            failures.append(f"call {n}: {status} {got}")
    except (Unreachable, KeyError) as error:
        failures.append(f"call {n}: {error!r}")
    latencies.append(time.monotonic() - started)
    time.sleep(0.1)
stop.set()
for thread in threads:
    thread.join(15)
latencies.sort()
p50, p99 = latencies[len(latencies) // 2], latencies[min(len(latencies) - 1, len(latencies) * 99 // 100)]
t.note("abusers' sessions: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
t.check(not failures, f"under combined abuse the well-behaved client was answered {len(latencies)} times of "
        f"{len(latencies)}", "; ".join(failures[:3]))
t.check(latencies[-1] < 10.0, f"...promptly: 3 calls took p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms")
t.check(daemon.running, "the daemon is still running")
t.figures.update({"good_calls": len(latencies) * 3, "good_failures": len(failures),
                  "good_p99_ms": round(p99 * 1000), "good_max_ms": round(latencies[-1] * 1000)})

# --- Tests/varlink/abuse.py: each abuse on its own
abuse = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "varlink", "abuse.py")
probe = subprocess.run([sys.executable, "-c", "import varlink"], capture_output=True)
if probe.returncode == 0:
    result = subprocess.run(
        [sys.executable, abuse, daemon.socket, "--max-connections", str(MAX_CONNECTIONS), "--max-message-size",
         str(MAX_MESSAGE), "--max-import-size", "8192", "--idle-timeout", str(IDLE), "--strict"],
        capture_output=True, text=True, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"), timeout=600)
    summary = [line for line in result.stdout.splitlines() if line.endswith(" failed")]
    t.check(result.returncode == 0, f"Tests/varlink/abuse.py --strict: {summary[-1] if summary else '?'}",
            result.stdout[-1500:] + result.stderr[-500:])
    t.figures["abuse_py"] = summary[-1] if summary else None
elif os.environ.get("CI") == "true":
    t.check(False, "Tests/varlink/abuse.py runs: python3 imports varlink (CI=true)", sys.executable)
else:
    t.note("Tests/varlink/abuse.py skipped: python3 cannot import varlink (scripts/deps installs it)")

# --- Slots held by clients that dribble bytes, or say nothing: at the limit the daemon closes the
# one that began its message (or fell silent) earliest, so a new client is still served.
time.sleep(IDLE + 1)
holders = []
for _ in range(MAX_CONNECTIONS):
    sock = connect()
    sock.send(b"{")
    holders.append(sock)
time.sleep(1.2)  # a message is judged dribbled once it has been coming for a second
refused_calls = 0
calls = 0
dribble_started = time.monotonic()
for _ in range(int(3 * IDLE / 0.25)):  # 1.5 idle timeouts, a byte every quarter second
    for sock in holders:
        try:
            sock.send(b" ")
        except OSError:
            pass
    calls += 1
    try:
        harness.call(daemon.socket, "GetStatus", timeout=2)
    except Unreachable:
        refused_calls += 1
    time.sleep(0.25)
for sock in holders:
    sock.close()
time.sleep(0.3)
made_room = daemon.log_text().count("making room for a new client")
t.figures["dribblers_refused_calls"] = refused_calls
t.check(refused_calls == 0, f"{MAX_CONNECTIONS} clients sending a byte every 0.25 s hold every slot, yet a new "
        f"client is served ({calls - refused_calls} of {calls} calls in "
        f"{time.monotonic() - dribble_started:.1f} s)")
t.check(1 <= made_room <= calls, f"a dribbler was closed to make room, no more than new clients needed ({made_room})")
status = daemon.wait_ready(10)
t.check(status is not None, "once they hang up, new clients are served again")
t.check(daemon.stop() == 0, "SIGTERM: clean exit")
log = daemon.log_text()
t.check("Fatal error" not in log, "no crash in the daemon's log")
journald.stop()
t.finish()
