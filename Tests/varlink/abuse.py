#!/usr/bin/env python3
"""Abuse of cadenced's control socket over raw sockets: malformed and oversized messages, too
many connections, idle and slow clients, many short connections, hostile names, clients that
do not read their replies or hang up on them. After each kind, the daemon must still serve.

Usage: abuse.py SOCKET_PATH [--max-connections 4] [--max-message-size 4096] [--max-import-size 8192]
                            [--idle-timeout 2] [--strict]
The limits must match the daemon's [Control] MaxConnections=, MaxMessageSize=, MaxImportSize=,
IdleTimeoutSec=. Run it as root or as the daemon's own user: it changes the ledger, so it must be a
peer that may write, and writers may send messages up to MaxImportSize (an import carries a whole
file). Peers that may not write are held to MaxMessageSize; that is checked from a child process
running as uid 65534 when the script runs as root, and skipped with a reason otherwise.
Prints `N passed, M failed`; exits 1 on any failure (with --strict also on known server bugs).
"""

import argparse
import datetime
import json
import os
import socket
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from varlinktest import Raw, Recorder, wait_for_socket  # noqa: E402

t = Recorder("abuse")
arguments = argparse.ArgumentParser()
arguments.add_argument("socket")
arguments.add_argument("--max-connections", type=int, default=4)
arguments.add_argument("--max-message-size", type=int, default=4096)
arguments.add_argument("--max-import-size", type=int, default=8192)
arguments.add_argument("--idle-timeout", type=float, default=2.0)
options = arguments.parse_args()
PATH = options.socket
LEDGER = "io.cadenced.Ledger"
NEXT_YEAR = datetime.date.today().year + 1
# "At once": well before the idle timeout could be the reason for a close.
AT_ONCE = min(1.0, options.idle_timeout / 2)
# This script's peer may write (root or the daemon's uid): its messages may be this long.
WRITER_LIMIT = options.max_import_size
# Units of this run; the pid keeps a rerun against the same daemon apart.
S = os.getpid()
SAFE_UNIT = f"abuse-{S}"
BULK_UNIT = f"bulk-{S}"


def serves(what):
    """A new client is answered: the daemon is alive and its loop is not stuck."""
    try:
        raw = Raw(PATH, timeout=5)
        reply = raw.call(LEDGER + ".GetStatus")
        raw.close()
        ok = "status" in reply.get("parameters", {})
    except (OSError, EOFError, ValueError) as error:
        ok, reply = False, repr(error)
    return t.check(ok, f"after {what}: a new client is served", repr(reply)[:200])


def item_count():
    """Items, units (removed ones too) and history entries: what a refused call must not change."""
    raw = Raw(PATH)
    try:
        items = raw.call(LEDGER + ".ListItems", {})["parameters"]["total"]
        units = len(raw.call(LEDGER + ".ListUnits", {"includeRemoved": True})["parameters"]["units"])
        history = len(raw.call(LEDGER + ".ListHistory", {"limit": 1000000})["parameters"]["entries"])
        return items, units, history
    finally:
        raw.close()


def test_writer():
    """The limits below assume this script's peer may write; the units it needs are added here."""
    raw = Raw(PATH)
    try:
        for unit, name in ((SAFE_UNIT, "Unit Abuse"), (BULK_UNIT, "Unit Bulk")):
            reply = raw.call(LEDGER + ".AddUnit", {"id": unit, "name": name, "kind": "other"})
            t.check("parameters" in reply, f"this script may write (AddUnit {unit}): run it as root or as the "
                    "daemon's user", repr(reply))
            reply = raw.call(LEDGER + ".AssignRole", {"unit": unit, "role": "first", "person": "Director Abuse"})
            t.check("parameters" in reply, f"AssignRole first of {unit}", repr(reply))
    finally:
        raw.close()


def test_malformed():
    cases = {
        "truncated JSON": b'{"method": ',
        "a JSON array, not an object": b"[1, 2, 3]",
        "an object without 'method'": b'{"parameters": {}}',
        "a numeric method": b'{"method": 5}',
        "an empty message": b"",
        "invalid UTF-8": b'{"method": "org.varlink.service.GetInfo\xff\xfe"}',
        "trailing garbage after the object": b'{"method": "org.varlink.service.GetInfo"} garbage',
        "a bare string": b'"org.varlink.service.GetInfo"',
    }
    before = item_count()
    for what, message in cases.items():
        raw = Raw(PATH)
        try:
            raw.send_bytes(message + b"\0")
            closed = raw.closed_by_server(AT_ONCE + 1)
            replies = raw.pending_messages()
        finally:
            raw.close()
        t.check(len(replies) == 1 and str(replies[0].get("error", "")).startswith("org.varlink.service."),
                f"{what} ({message[:40]!r}) gets one Varlink error reply", repr(replies))
        t.check(closed, f"{what}: the connection is closed after the error")
    # A good call, then a bad one in the same write: the good one is answered first.
    raw = Raw(PATH)
    try:
        raw.send_bytes(b'{"method":"org.varlink.service.GetInfo"}\0{"method":\0')
        closed = raw.closed_by_server(AT_ONCE + 1)
        replies = raw.pending_messages()
    finally:
        raw.close()
    t.check(len(replies) == 2 and "parameters" in replies[0] and "error" in replies[1] and closed,
            "a good call then invalid JSON in one write: answer, error, close", repr(replies))
    # Deep nesting inside the size limit: an answer or an error, never a crash.
    depth = (options.max_message_size - 100) // 2
    nested = b'{"method":"org.varlink.service.GetInfo","parameters":{"x":' + b"[" * depth + b"]" * depth + b"}}"
    raw = Raw(PATH)
    try:
        raw.send_bytes(nested + b"\0")
        raw.closed_by_server(AT_ONCE)
        replies = raw.pending_messages()
    finally:
        raw.close()
    t.check(len(replies) == 1, f"arrays nested {depth} deep get one reply", repr(replies)[:200])
    t.check(item_count() == before, "malformed messages changed nothing")
    serves("malformed messages")


def padded(call, size):
    """`call` (a JSON object, bytes) padded with spaces before its closing brace to `size` bytes."""
    return call[:-1] + b" " * (size - len(call)) + b"}"


def test_oversized():
    """This script is a writer: its limit is MaxImportSize."""
    limit = WRITER_LIMIT
    # Exactly at the limit (JSON padded with spaces): answered.
    call = b'{"method":"org.varlink.service.GetInfo"}'
    raw = Raw(PATH)
    try:
        raw.send_bytes(padded(call, limit) + b"\0")
        reply = raw.receive()
        t.check("parameters" in reply, f"a writer's message of exactly MaxImportSize ({limit} bytes) is answered",
                repr(reply)[:200])
    finally:
        raw.close()
    # One byte over, never terminated: refused and closed at once.
    raw = Raw(PATH)
    try:
        raw.send_bytes(b'{"method":"org.varlink.service.GetInfo","parameters":{"x":"' + b"a" * limit)
        closed = raw.closed_by_server(AT_ONCE)
        replies = raw.pending_messages()
    finally:
        raw.close()
    t.check(closed, "a writer's message over MaxImportSize without NUL: the connection is closed at once")
    t.check(len(replies) <= 1 and all("error" in r for r in replies),
            "an oversized message gets at most a Varlink error, never an answer", repr(replies))
    # Far over the limit (1 MiB, or more) in one go: the daemon stops reading and closes.
    raw = Raw(PATH)
    try:
        try:
            raw.send_bytes(b"x" * max(1 << 20, 4 * limit))
            closed = raw.closed_by_server(AT_ONCE + 1)
        except (BrokenPipeError, ConnectionResetError):
            closed = True
    finally:
        raw.close()
    t.check(closed, f"{max(1 << 20, 4 * limit)} bytes without NUL: the connection is closed")
    # Over the limit by one byte, with a NUL: refused too.
    raw = Raw(PATH)
    try:
        raw.send_bytes(padded(call, limit + 1) + b"\0")
        closed = raw.closed_by_server(AT_ONCE)
        replies = raw.pending_messages()
    finally:
        raw.close()
    t.check(closed and not any("parameters" in r and "error" not in r for r in replies),
            "a writer's complete message of MaxImportSize+1 bytes is refused and closed", repr(replies))
    # Between the two limits: a writer's import of that size is answered.
    if WRITER_LIMIT > options.max_message_size:
        size = (options.max_message_size + WRITER_LIMIT) // 2
        raw = Raw(PATH)
        try:
            raw.send_bytes(padded(IMPORT_CALL, size) + b"\0")
            reply = raw.receive()
            t.check(reply.get("parameters", {}).get("dryRun") is True,
                    f"a writer's import of {size} bytes (over MaxMessageSize, within MaxImportSize) is answered",
                    repr(reply)[:200])
        except (OSError, EOFError) as error:
            t.check(False, f"a writer's import of {size} bytes is answered", repr(error))
        finally:
            raw.close()
    serves("oversized messages")


# A dry-run import of units (a header only): answered without changing anything.
IMPORT_CALL = (b'{"method":"io.cadenced.Ledger.Import","parameters":{"kind":"units","format":"csv",'
               b'"text":"id,name,kind\\n","dryRun":true}}')


def as_non_writer(function):
    """Runs `function` in a child process as uid 65534 (nobody) with the socket's group, so that it
    can connect but may not write. Returns the checks it made, [(condition, what, detail)], or None
    with the reason it cannot run."""
    if os.geteuid() != 0:
        return None, f"the script runs as uid {os.geteuid()}, not root, and cannot become another uid"
    info = os.stat(PATH)
    gid = info.st_gid
    if info.st_mode & 0o060 != 0o060:
        return None, f"the socket (mode {info.st_mode & 0o777:o}) does not let its group connect"
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        results = []
        try:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(65534)
            function(lambda condition, what, detail="": results.append((bool(condition), what, detail)))
        except Exception:  # noqa: BLE001 - reported as a failed check
            results.append((False, "the non-writer child ran to the end", traceback.format_exc()))
        with os.fdopen(write_end, "w") as out:
            json.dump(results, out)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as source:
        text = source.read()
    os.waitpid(pid, 0)
    return json.loads(text or "[]"), None


def test_non_writer_limit():
    small, large = options.max_message_size, WRITER_LIMIT

    def child(check):
        call = b'{"method":"org.varlink.service.GetInfo"}'
        raw = Raw(PATH)
        try:
            raw.send_bytes(padded(call, small) + b"\0")
            reply = raw.receive()
            check("parameters" in reply, f"a non-writer's message of exactly MaxMessageSize ({small} bytes) is "
                  "answered", repr(reply)[:200])
            reply = raw.call(LEDGER + ".AddUnit", {"id": f"nobody-{S}", "name": "Unit Nobody", "kind": "other"})
            check(reply.get("error") == LEDGER + ".PermissionDenied", "a non-writer's AddUnit is PermissionDenied",
                  repr(reply)[:200])
        finally:
            raw.close()
        for what, message in [
            (f"a non-writer's GetInfo of MaxMessageSize+1 ({small + 1}) bytes", padded(call, small + 1) + b"\0"),
            (f"a non-writer's dry-run import of {(small + large) // 2} bytes (within MaxImportSize)",
             padded(IMPORT_CALL, (small + large) // 2) + b"\0"),
            (f"a non-writer's message over MaxMessageSize without NUL", padded(call, small + 1)),
        ]:
            raw = Raw(PATH)
            try:
                try:
                    raw.send_bytes(message)
                    closed = raw.closed_by_server(AT_ONCE + 1)
                except (BrokenPipeError, ConnectionResetError):
                    closed = True
                replies = raw.pending_messages()
            finally:
                raw.close()
            check(closed and all("error" in r for r in replies), f"{what} is refused and the connection closed",
                  f"closed={closed} replies={replies!r:.200}")

    before = item_count()
    results, reason = as_non_writer(child)
    if results is None:
        print(f"skip a non-writer peer cannot send more than MaxMessageSize: {reason}", flush=True)
        return
    for condition, what, detail in results:
        t.check(condition, what, detail)
    t.check(item_count() == before, "the non-writer's messages changed nothing")
    serves("a non-writer's oversized messages")


def test_connection_limit():
    time.sleep(0.3)  # let the daemon see the earlier connections close
    limit = options.max_connections
    open_ones = []
    try:
        for i in range(limit):
            raw = Raw(PATH)
            open_ones.append(raw)
            reply = raw.call(LEDGER + ".GetStatus")
            t.check("parameters" in reply, f"connection {i + 1} of MaxConnections={limit} is served")
        extras = []
        for i in range(3):
            extra = Raw(PATH)
            extras.append(extra)
            closed = extra.closed_by_server(AT_ONCE)
            t.check(closed and not extra.buffer, f"extra connection {i + 1} over the limit is closed at once",
                    f"closed={closed} received={extra.buffer[:80]!r}")
        for extra in extras:
            extra.close()
        reply = open_ones[0].call(LEDGER + ".GetStatus")
        t.check("parameters" in reply, "an existing connection still answers while extras are refused")
        # A freed slot is usable again.
        open_ones.pop().close()
        time.sleep(0.3)
        raw = Raw(PATH)
        open_ones.append(raw)
        reply = raw.call(LEDGER + ".GetStatus")
        t.check("parameters" in reply, "after one connection closes, a new one is served")
    finally:
        for raw in open_ones:
            raw.close()
    time.sleep(0.3)
    serves("too many connections")


def test_idle():
    timeout = options.idle_timeout
    raw = Raw(PATH)
    silent = Raw(PATH)
    try:
        raw.call(LEDGER + ".GetStatus")
        start = time.monotonic()
        early = raw.closed_by_server(timeout * 0.6)
        t.check(not early, f"a connection is not closed before IdleTimeoutSec={timeout:g}s")
        closed = early or raw.closed_by_server(timeout + 3)
        elapsed = time.monotonic() - start
        t.check(closed and elapsed >= timeout * 0.9, f"an idle connection is closed after ~{timeout:g}s",
                f"closed={closed} after {elapsed:.2f}s")
        t.check(silent.closed_by_server(1), "a connection that never sent anything is closed too")
    finally:
        raw.close()
        silent.close()
    serves("idle connections")


def test_slow_client():
    message = b'{"method":"io.cadenced.Ledger.ListItems","parameters":{"limit":1}}\0'
    # Each gap is short, but the whole message takes longer than the idle timeout.
    gap = min(0.05, options.idle_timeout / 10)
    gap = max(gap, (options.idle_timeout * 1.2) / len(message))
    raw = Raw(PATH)
    try:
        start = time.monotonic()
        for byte in message:
            raw.send_bytes(bytes([byte]))
            time.sleep(gap)
        reply = raw.receive()
        t.check("parameters" in reply,
                f"a message sent byte by byte over {time.monotonic() - start:.1f}s is answered", repr(reply)[:200])
    finally:
        raw.close()
    # Half-close: the call, then shutdown(SHUT_WR); the answer still arrives.
    raw = Raw(PATH)
    try:
        raw.send_bytes(b'{"method":"org.varlink.service.GetInfo"}\0')
        raw.sock.shutdown(socket.SHUT_WR)
        reply = raw.receive()
        t.check("parameters" in reply, "a client that half-closes after its call gets the answer")
    except (OSError, EOFError) as error:
        t.check(False, "a client that half-closes after its call gets the answer", repr(error))
    finally:
        raw.close()
    serves("a slow client")


def test_many_connections():
    start = time.monotonic()
    good = 0
    for i in range(200):
        raw = Raw(PATH)
        try:
            reply = raw.call(LEDGER + ".GetStatus" if i % 2 else "org.varlink.service.GetInfo")
            good += "parameters" in reply
        except (OSError, EOFError) as error:
            print(f"cycle {i}: {error!r}")
        finally:
            raw.close()
    t.check(good == 200, f"200 sequential connect/call/close cycles all answered ({time.monotonic() - start:.1f}s)",
            f"{good}/200")
    time.sleep(0.3)
    # If the daemon leaked closed connections, the limit would now refuse everyone.
    open_ones = [Raw(PATH) for _ in range(options.max_connections)]
    try:
        answered = sum("parameters" in raw.call(LEDGER + ".GetStatus") for raw in open_ones)
        t.check(answered == options.max_connections, "after 200 cycles, MaxConnections connections still fit")
    except (OSError, EOFError) as error:
        t.check(False, "after 200 cycles, MaxConnections connections still fit", repr(error))
    finally:
        for raw in open_ones:
            raw.close()
    serves("200 connections")


NAMES = [
    "a/b", "../../etc/passwd", "..", ".", "/", "line1\nline2", "cr\rlf", "tab\there", "nul\x00byte",
    "esc\x1b[31mred\x1b[0m", "bell\x07", "del\x7f", "sep\u2028para\u2029", "rtl\u202eevil", "emoji 😀",
    'quote"back\\slash', "  leading spaces", "整改/单位\n第二行", "\ufeffbom", "%s%n%x", "$(reboot)",
]

def test_names():
    """Each hostile name as a unit id, a unit name, and an item's title and responsible people. Names
    are trimmed at both ends (as every text parameter); otherwise kept verbatim, or refused."""
    raw = Raw(PATH)
    counts = {"accepted": 0, "refused": 0}

    def send(label, method, parameters):
        raw.send({"method": f"{LEDGER}.{method}", "parameters": parameters})
        frame = raw.receive_frame()
        t.check(not any(b < 0x20 for b in frame), f"{method} {label}: the reply has no raw control bytes",
                repr(frame[:120]))
        return json.loads(frame.decode("utf-8"))

    def refused(label, method, reply, before):
        counts["refused"] += 1
        t.check(reply["error"] in (LEDGER + ".InvalidArgument", "org.varlink.service.InvalidParameter"),
                f"{method} {label} refused with InvalidArgument", repr(reply))
        t.check(item_count() == before, f"{method} {label} refused: nothing changed")

    try:
        for index, name in enumerate(NAMES):
            label = repr(name)
            kept = name.strip()
            # As a unit id: ids are refused when they hold spaces, control characters or '/'.
            before = item_count()
            reply = send(label, "AddUnit", {"id": name, "name": "Unit " + name, "kind": "other"})
            if "error" in reply:
                refused(label, "AddUnit", reply, before)
            else:
                counts["accepted"] += 1
                unit = reply["parameters"]["unit"]
                t.check(unit["id"] == kept and unit["name"] == ("Unit " + name).strip(),
                        f"AddUnit {label} returns it verbatim",
                        f"{unit['id']!r} / {unit['name']!r}")
                got = send(label, "GetUnit", {"id": kept})
                t.check(got.get("parameters", {}).get("unit", {}).get("id") == kept,
                        f"GetUnit {label} finds it verbatim", repr(got)[:200])
            # As a unit's name, an item's title and its responsible people.
            before = item_count()
            unit_id = f"{SAFE_UNIT}-{index}"
            reply = send(label, "AddUnit", {"id": unit_id, "name": name, "kind": "other", "parent": SAFE_UNIT})
            if "error" in reply:
                refused(label, "AddUnit(name)", reply, before)
            else:
                counts["accepted"] += 1
                t.check(reply["parameters"]["unit"]["name"] == kept, f"AddUnit(name={label}) keeps it verbatim",
                        repr(reply["parameters"]["unit"]["name"]))
            before = item_count()
            reply = send(label, "AddItem", {"unit": SAFE_UNIT, "title": "title " + name, "first": name,
                                            "direct": name, "deadline": f"{NEXT_YEAR}-08-01"})
            if "error" in reply:
                refused(label, "AddItem", reply, before)
                continue
            counts["accepted"] += 1
            item = reply["parameters"]["item"]
            fields = lambda i: (i["title"], i.get("firstPerson"), i.get("directPerson"))  # noqa: E731
            expected = (("title " + name).strip(), kept, kept)
            t.check(fields(item) == expected, f"AddItem {label} returns it verbatim", repr(fields(item)))
            got = send(label, "GetItem", {"id": item["id"]})["parameters"]["item"]
            t.check(fields(got) == expected, f"GetItem {label} returns it verbatim", repr(fields(got)))
            listing = send(label, "ListItems", {"unit": SAFE_UNIT, "limit": 1000000})["parameters"]
            t.check(any(i["id"] == item["id"] and fields(i) == expected for i in listing["items"]),
                    f"ListItems lists {label} verbatim")
            exported = send(label, "Export", {"kind": "items", "format": "json", "unit": SAFE_UNIT})["parameters"]
            rows = [r for r in json.loads(exported["text"]) if r.get("id") == str(item["id"])]
            t.check(len(rows) == 1 and rows[0].get("title") == expected[0], f"Export keeps {label} verbatim",
                    repr(rows)[:200])
    finally:
        raw.close()
    print(f"     hostile names: {counts['accepted']} accepted, {counts['refused']} refused")
    serves("hostile names")


def test_non_reading_client():
    """A client pipelines calls and never reads the replies; others must still be served."""
    raw = Raw(PATH)
    raw.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    for i in range(20):
        reply = raw.call(LEDGER + ".AddItem",
                         {"unit": BULK_UNIT, "title": "padding " + "x" * 400, "deadline": f"{NEXT_YEAR}-09-09"})
        if "error" in reply:
            t.check(False, "AddItem of a padding item", repr(reply))
    count = 300
    raw.send_bytes(b'{"method":"io.cadenced.Ledger.ListItems"}\0' * count)
    time.sleep(0.5)
    other = Raw(PATH, timeout=3)
    start = time.monotonic()
    try:
        ok = "parameters" in other.call(LEDGER + ".GetStatus")
    except socket.timeout:
        ok = False
    t.check(ok, "while a client does not read its replies, another client is answered within 3s",
            f"no answer after {time.monotonic() - start:.1f}s")
    # Drain the replies so the daemon can go on, then check each was a whole reply.
    raw.sock.settimeout(10)
    received = 0
    deadline = time.monotonic() + 60
    try:
        while received < count and time.monotonic() < deadline:
            frame = raw.receive_frame()
            received += "parameters" in json.loads(frame.decode("utf-8"))
    except (OSError, EOFError, ValueError) as error:
        print(f"     draining: {error!r}")
    finally:
        raw.close()
    t.check(received == count, f"a slow reader gets all {count} pipelined replies intact", f"{received}/{count}")
    if not ok:
        # The other client keeps its connection until its late answer comes (hanging up on it
        # would hit the SIGPIPE bug tested below).
        other.sock.settimeout(30)
        try:
            ok = "parameters" in other.receive()
        except (OSError, EOFError, ValueError):
            ok = False
        t.check(ok, "the other client gets its (late) answer once the slow reader has read")
    other.close()
    serves("a client that did not read its replies")


def test_hang_up_on_replies():
    """A client sends calls and closes at once: the daemon's writes fail (EPIPE), nothing more."""
    for _ in range(3):
        raw = Raw(PATH)
        raw.send_bytes(b'{"method":"org.varlink.service.GetInfo"}\0' * 200)
        raw.close()
    time.sleep(0.5)
    try:
        raw = Raw(PATH, timeout=5)
        ok = "parameters" in raw.call(LEDGER + ".GetStatus")
        raw.close()
    except (OSError, EOFError) as error:
        ok = False
    t.check(ok, "after clients hung up on their replies, a new client is served")


wait_for_socket(PATH)
t.run("a writer", test_writer)
t.run("malformed messages", test_malformed)
t.run("oversized messages", test_oversized)
t.run("a non-writer's message size", test_non_writer_limit)
t.run("connection limit", test_connection_limit)
t.run("idle timeout", test_idle)
t.run("slow client", test_slow_client)
t.run("200 connections", test_many_connections)
t.run("hostile names", test_names)
serves("all of the above")
t.run("non-reading client", test_non_reading_client)
# Last: a daemon that does not ignore SIGPIPE dies here.
t.run("hang up on replies", test_hang_up_on_replies)
t.finish()
