#!/usr/bin/env python3
"""Abuse of cadenced's control socket over raw sockets: malformed and oversized messages, too
many connections, idle and slow clients, many short connections, hostile names, clients that
do not read their replies or hang up on them. After each kind, the daemon must still serve.

Usage: abuse.py SOCKET_PATH [--max-connections 4] [--max-message-size 4096] [--idle-timeout 2]
                            [--strict]
The limits must match the daemon's [Control] MaxConnections=, MaxMessageSize=, IdleTimeoutSec=.
Prints `N passed, M failed`; exits 1 on any failure (with --strict also on known server bugs).
"""

import argparse
import datetime
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from varlinktest import Raw, Recorder, wait_for_socket  # noqa: E402

t = Recorder("abuse")
arguments = argparse.ArgumentParser()
arguments.add_argument("socket")
arguments.add_argument("--max-connections", type=int, default=4)
arguments.add_argument("--max-message-size", type=int, default=4096)
arguments.add_argument("--idle-timeout", type=float, default=2.0)
options = arguments.parse_args()
PATH = options.socket
LEDGER = "io.cadenced.Ledger"
NEXT_YEAR = datetime.date.today().year + 1
# "At once": well before the idle timeout could be the reason for a close.
AT_ONCE = min(1.0, options.idle_timeout / 2)


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
    raw = Raw(PATH)
    try:
        return raw.call(LEDGER + ".ListItems", {})["parameters"]["total"]
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


def test_oversized():
    limit = options.max_message_size
    # Exactly at the limit (JSON padded with spaces): answered.
    call = b'{"method":"org.varlink.service.GetInfo"}'
    raw = Raw(PATH)
    try:
        raw.send_bytes(call[:-1] + b" " * (limit - len(call)) + b"}\0")
        reply = raw.receive()
        t.check("parameters" in reply, f"a message of exactly MaxMessageSize ({limit} bytes) is answered",
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
    t.check(closed, f"a message over MaxMessageSize without NUL: the connection is closed at once")
    t.check(len(replies) <= 1 and all("error" in r for r in replies),
            "an oversized message gets at most a Varlink error, never an answer", repr(replies))
    # Far over the limit (1 MiB) in one go: the daemon stops reading and closes.
    raw = Raw(PATH)
    try:
        try:
            raw.send_bytes(b"x" * (1 << 20))
            closed = raw.closed_by_server(AT_ONCE + 1)
        except (BrokenPipeError, ConnectionResetError):
            closed = True
    finally:
        raw.close()
    t.check(closed, "1 MiB without NUL: the connection is closed")
    # Over the limit by one byte, with a NUL: refused too.
    raw = Raw(PATH)
    try:
        raw.send_bytes(call[:-1] + b" " * (limit + 1 - len(call)) + b"}\0")
        closed = raw.closed_by_server(AT_ONCE)
        replies = raw.pending_messages()
    finally:
        raw.close()
    t.check(closed and not any("parameters" in r and "error" not in r for r in replies),
            f"a complete message of MaxMessageSize+1 bytes is refused and closed", repr(replies))
    serves("oversized messages")


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

NUL_BUG = "AddItem accepts U+0000 in unit/title but the ledger returns the text cut at the NUL"


def test_names():
    raw = Raw(PATH)
    accepted = refused = 0
    try:
        for name in NAMES:
            label = repr(name)
            before = raw.call(LEDGER + ".ListItems", {})["parameters"]["total"]
            raw.send({"method": LEDGER + ".AddItem",
                      "parameters": {"unit": name, "title": "title " + name, "deadline": f"{NEXT_YEAR}-08-01"}})
            frame = raw.receive_frame()
            reply = json.loads(frame.decode("utf-8"))
            t.check(not any(b < 0x20 for b in frame), f"AddItem {label}: the reply has no raw control bytes",
                    repr(frame[:120]))
            if "error" in reply:
                refused += 1
                t.check(reply["error"] in (LEDGER + ".InvalidArgument", "org.varlink.service.InvalidParameter"),
                        f"AddItem {label} refused with InvalidArgument", repr(reply))
                after = raw.call(LEDGER + ".ListItems", {})["parameters"]["total"]
                t.check(after == before, f"AddItem {label} refused: nothing changed")
                continue
            accepted += 1
            item = reply["parameters"]["item"]
            bug = NUL_BUG if "\x00" in name else None
            t.check(item["unit"] == name and item["title"] == "title " + name,
                    f"AddItem {label} returns it verbatim", f"{item['unit']!r} / {item['title']!r}", bug=bug)
            got = raw.call(LEDGER + ".GetItem", {"id": item["id"]})["parameters"]["item"]
            t.check(got["unit"] == name and got["title"] == "title " + name, f"GetItem {label} returns it verbatim",
                    f"{got['unit']!r} / {got['title']!r}", bug=bug)
            raw.send({"method": LEDGER + ".ListItems", "parameters": {"unit": name}})
            frame = raw.receive_frame()
            listing = json.loads(frame.decode("utf-8"))["parameters"]
            t.check(not any(b < 0x20 for b in frame), f"ListItems {label}: the reply has no raw control bytes")
            t.check(any(i["id"] == item["id"] and i["unit"] == name and i["title"] == "title " + name
                        for i in listing["items"]),
                    f"ListItems(unit={label}) lists it verbatim",
                    repr([(i["unit"], i["title"]) for i in listing["items"]])[:200], bug=bug)
    finally:
        raw.close()
    print(f"     hostile names: {accepted} accepted, {refused} refused")
    serves("hostile names")


def test_non_reading_client():
    """A client pipelines calls and never reads the replies; others must still be served."""
    raw = Raw(PATH)
    raw.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    for i in range(20):
        raw.call(LEDGER + ".AddItem", {"unit": "bulk", "title": "padding " + "x" * 400, "deadline": f"{NEXT_YEAR}-09-09"})
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
            f"no answer after {time.monotonic() - start:.1f}s",
            bug="a client that does not read its replies blocks the daemon's main queue (send() waits up to "
                "5 s per reply, then leaves a partial frame and carries on)")
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
    t.check(ok, "after clients hung up on their replies, a new client is served",
            bug="SIGPIPE is not ignored: writing a reply to a client that has closed kills cadenced (exit 141)")


wait_for_socket(PATH)
t.run("malformed messages", test_malformed)
t.run("oversized messages", test_oversized)
t.run("connection limit", test_connection_limit)
t.run("idle timeout", test_idle)
t.run("slow client", test_slow_client)
t.run("200 connections", test_many_connections)
t.run("hostile names", test_names)
serves("all of the above")
t.run("non-reading client", test_non_reading_client)
# Last: with the SIGPIPE bug this kills the daemon.
t.run("hang up on replies", test_hang_up_on_replies)
t.finish()
