#!/usr/bin/env python3
"""Hostile names against the sinks, with a real journald: titles, unit names and responsible
people carrying newlines followed by journal fields (`CADENCED_KIND=forged`, `MESSAGE_ID=...`,
`PRIORITY=0`, `SYSLOG_IDENTIFIER=...`, trusted `_PID=1`), control characters, `/`, `..` and a
200 KB title go into items whose overdue and escalation notices are then emitted. The daemon logs
to the journal too (JOURNAL_STREAM set, as under systemd), so its own log entries are checked
as well.

Checks:
- no journal entry has a field the daemon does not write; every CADENCED_KIND, MESSAGE_ID,
  PRIORITY and SYSLOG_IDENTIFIER of a notice is the one its kind prescribes and appears once;
  nothing matches CADENCED_KIND=forged, the forged MESSAGE_ID, SYSLOG_IDENTIFIER=forged;
  trusted fields (_PID) are journald's own;
- the hostile text arrives intact inside MESSAGE (newlines and all);
- every file under the state directory is the ledger, the socket, the index or a notice file in
  the dated tree (YYYY/MM/DD/HHMMSS-kind-slug-ID.md, ASCII only); a Markdown file's heading and
  table rows stay single lines; index.jsonl is one JSON object per line;
- unit ids with '/', '..', spaces or control characters are refused.

Usage (inside Tests/reliability/private-ns, as root): hostile-names.py --bin DIR --work DIR
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import Client, Daemon, Journald  # noqa: E402

arguments = argparse.ArgumentParser()
arguments.add_argument("--bin", required=True)
arguments.add_argument("--work", required=True)
options = arguments.parse_args()
harness.require_private_namespace()
t = harness.Recorder("hostile-names")

FORGED_ID = "0123456789abcdef0123456789abcdef"
HOSTILE = [
    "T\nCADENCED_KIND=forged",
    f"T\nMESSAGE_ID={FORGED_ID}",
    "T\nPRIORITY=0\nSYSLOG_IDENTIFIER=forged",
    "T\n_PID=1\n_UID=0",
    "T\r\nCADENCED_LEVEL=forged\r\n",
    "CADENCED_UNIT=forged",
    "\nCADENCED_NOTICE_ID=forged\n\n",
    "../../../../etc/cron.d/forged",
    "/etc/forged\n../..",
    "tab\tesc\x1b[31mbell\x07del\x7f",
    "sep\u2028para\u2029rtl\u202eend",
    "| pipe | row |\n# heading\n---",
    "整改/单位\nCADENCED_KIND=伪造",
    "long " + "x\nCADENCED_KIND=forged\n" * 170,  # nearly 4 KB, the longest a title may be
]
# A title of about 200 KB in a quoted CSV cell: imports hold titles to the same 4 KB.
BIG = "big " + "x\nCADENCED_KIND=forged\n" * 10_000
# What the daemon itself writes (NoticeJournalFields, JournalLogHandler); journald adds _* fields
# and __* addresses; anything else came from a name.
ALLOWED = {
    "MESSAGE", "MESSAGE_ID", "PRIORITY", "SYSLOG_IDENTIFIER", "CADENCED_KIND", "CADENCED_NOTICE_ID",
    "CADENCED_NOTICE_KEY", "CADENCED_DUE", "CADENCED_LATE", "CADENCED_CADENCE", "CADENCED_PERIOD", "CADENCED_UNIT",
    "CADENCED_ITEM", "CADENCED_OVERDUE_DAYS", "CADENCED_DEADLINE", "CADENCED_DUE_DATE",
    "CADENCED_CONFIG_DIR", "CADENCED_CONFIG_OUTCOME", "CADENCED_LEVEL", "CADENCED_NOTICE_FILE", "CODE_FILE", "CODE_LINE",
    "CODE_FUNC", "LOGGER", "SOURCE", "ERROR", "SYSLOG_FACILITY", "SYSLOG_PID", "SYSLOG_TIMESTAMP",
    # Log lines' metadata (logger calls in CadenceDaemon), made fields by JournalLogHandler.
    "CADENCED_NOTICES", "CADENCED_SIGNAL", "CADENCED_UID", "CADENCED_REASON", "CADENCED_SILENT", "CADENCED_ITEMS",
    "CADENCED_ERROR", "CADENCED_FILE",
}
KIND_IDS = {
    "overdue": ("911e8b894bea4ac9ac9fc3c091a50720", "4"),
    "escalation": ("2fac43fea68f42ca87ce3d3f70e30e01", "3"),
    "accountability": ("b951eaaa49d04c1e82c9ea6f38b998f8", "2"),
    "deadline-warning": ("9ea6b3ad63f442aebce4eb43ab7bb88d", "5"),
}

work = os.path.abspath(options.work)
config = os.path.join(work, "config")
state = os.path.join(work, "state")
harness.write_config(config, """[Daemon]
TimeZone=UTC
Language=en
[Ledger]
WarnBeforeSec=1s
CircularAfterSec=1s
TalkAfterSec=2s
AccountabilityAfterSec=3s
""")
journald = Journald(os.path.join(work, "journald.log"))
journald.start()
# JOURNAL_STREAM makes cadenced log to the journal, as under systemd.
daemon = Daemon(os.path.join(options.bin, "cadenced"), config, state, os.path.join(work, "cadenced.log"),
                env={"JOURNAL_STREAM": "0:0"})
daemon.start()
t.check(daemon.wait_ready() is not None, "the daemon starts")
client = Client(daemon.socket)

refused_ids = []
for unit_id in ["../x", "a/b", "/", "x\nCADENCED_KIND=forged", "sp ace", "nul\x00", "tab\tx"]:
    reply = client.call("AddUnit", {"id": unit_id, "name": "Hostile", "kind": "other"})
    refused_ids.append("error" in reply)
t.check(all(refused_ids), "unit ids with '/', newlines, spaces, tabs or NUL are refused", str(refused_ids))
reply = client.call("AddUnit", {"id": "hostile", "name": "Unit\nCADENCED_KIND=forged\n../..", "kind": "other"})
t.check("error" not in reply, "a unit whose name holds a newline and a field is accepted (names are free text)")

items = {}
deadline = time.time() + 2.0
for n, title in enumerate(HOSTILE):
    reply = client.call("AddItem", {"unit": "hostile", "title": title, "deadline": harness.iso(deadline + n * 0.05),
                                    "first": title[:200], "direct": "Direct\nPRIORITY=0"})
    if "error" not in reply:
        items[reply["parameters"]["item"]["id"]] = title
    else:
        t.note(f"title {title[:30]!r} refused: {reply.get('error')}")
csv = 'unit,title,deadline,first\nhostile,"' + BIG + '",' + harness.iso(deadline) + ",Director\n"
reply = client.call("Import", {"kind": "items", "format": "csv", "text": csv})
t.check(reply.get("parameters", {}).get("imported") == 0 and "4096" in str(reply),
        "an import with a 200 KB title is refused (titles are at most 4096 bytes)", str(reply)[:300])
client.close()
t.check(len(items) == len(HOSTILE), f"{len(items)} hostile items accepted ({len(HOSTILE)} sent)")

# Every ladder ends 3 s after its deadline.
until = deadline + len(HOSTILE) * 0.05 + 3.5
while time.time() < until:
    time.sleep(0.2)
for _ in range(100):
    if daemon.status()["undelivered"] == 0:
        break
    time.sleep(0.1)
pid = daemon.process.pid
t.check(daemon.stop() == 0, "SIGTERM: clean exit")
harness.journal_sync()

entries = harness.journal_entries("SYSLOG_IDENTIFIER=cadenced")
notices = [e for e in entries if "CADENCED_NOTICE_ID" in e]
logs = [e for e in entries if "CADENCED_NOTICE_ID" not in e]
t.note(f"{len(notices)} notice entries, {len(logs)} log entries of the daemon")
stray = sorted({k for e in entries for k in e if not k.startswith("_") and k not in ALLOWED})
t.check(not stray, "no journal entry has a field the daemon does not write", str(stray))
repeated = [e.get("CADENCED_NOTICE_KEY") for e in notices
            if any(isinstance(e.get(k), list) for k in ("CADENCED_KIND", "MESSAGE_ID", "PRIORITY", "SYSLOG_IDENTIFIER",
                                                         "CADENCED_ITEM", "CADENCED_UNIT", "CADENCED_LEVEL"))]
t.check(not repeated, "each notice field appears once per entry (no second value smuggled in)", str(repeated[:3]))
wrong = [e.get("CADENCED_NOTICE_KEY") for e in notices
         if KIND_IDS.get(e.get("CADENCED_KIND"), (None, None)) != (e.get("MESSAGE_ID"), e.get("PRIORITY"))]
t.check(not wrong, "every notice has its kind's MESSAGE_ID and PRIORITY", str(wrong[:3]))
t.check(all(str(e.get("_PID")) == str(pid) for e in entries), "trusted fields are journald's (_PID is the daemon's)")
# Among what user space sent (the native protocol, stdout streams, syslog): journald also copies
# the machine's kernel ring buffer (/dev/kmsg) into this journal, and a kernel or another
# namespace's process may have logged there at PRIORITY=0 (emerg) for reasons of its own.
USER_SPACE = ("_TRANSPORT=journal", "_TRANSPORT=stdout", "_TRANSPORT=syslog")
for match in ("CADENCED_KIND=forged", f"MESSAGE_ID={FORGED_ID}", "SYSLOG_IDENTIFIER=forged", "CADENCED_LEVEL=forged",
              "CADENCED_UNIT=forged", "CADENCED_NOTICE_ID=forged", "CADENCED_KIND=伪造", "PRIORITY=0"):
    found = harness.journal_entries(match, *USER_SPACE)
    t.check(not found, f"journalctl {match} finds nothing",
            "; ".join(f"{e.get('_TRANSPORT')} {e.get('SYSLOG_IDENTIFIER')}[{e.get('_PID')}]: {str(e.get('MESSAGE'))[:80]}"
                      for e in found[:3]))
by_item = {}
for e in notices:
    by_item.setdefault(int(e["CADENCED_ITEM"]), []).append(e)


def text(value):
    """journalctl -o json prints a value with control characters as a list of byte values."""
    return bytes(value).decode(errors="replace") if isinstance(value, list) else value


intact = [i for i, title in items.items()
          if not any(title.strip() in text(e.get("MESSAGE")) for e in by_item.get(i, []))]
t.check(not intact, "each hostile title arrives intact inside MESSAGE", str(intact[:5]))
t.check(all({"overdue", "accountability"} <= {e["CADENCED_KIND"] for e in by_item.get(i, [])} for i in items),
        "every hostile item got its overdue and accountability entries")

audit = harness.audit_notices(state)
harness.check_notice_audit(t, audit, "hostile names")
notice_root = os.path.join(state, "notices")
multi_line = []
ascii_names = True
for directory, _, names in os.walk(notice_root):
    for name in names:
        if not name.endswith(".md"):
            continue
        ascii_names &= all(c.isascii() and (c.isalnum() or c in "-.") for c in name)
        lines = open(os.path.join(directory, name), encoding="utf-8").read().split("\n")
        table = [line for line in lines if line.startswith("| ")]
        # The heading, then a body paragraph (it may hold the title's newlines), then the table:
        # one row per field, so a title cannot add a row or a heading.
        if not lines[0].startswith("# ") or len(table) != len({line.split(" | ")[0] for line in table}):
            multi_line.append(name)
t.check(ascii_names, "notice file names are ASCII letters, digits and '-' only")
t.check(not multi_line, "a Markdown file's heading and table rows stay single lines", str(multi_line[:3]))
journald.stop()
t.figures.update({"hostile_names": len(HOSTILE), "forged_fields": len(stray), "notices": audit["notices"],
                  "escaped_files": audit["outside"]})
t.finish()
