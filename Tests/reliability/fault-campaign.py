#!/usr/bin/env python3
"""Resource faults: the sinks and the state directory fail while notices fall due, then recover.

cadenced runs as an unprivileged user (uid 65534, with the group systemd-journal, as the service
runs as `cadenced` with SupplementaryGroups=systemd-journal), on a short escalation ladder, with
items falling due every few hundred milliseconds. One fault per run (--fault):

  disk-full         the state directory (ledger and notices) is a 4 MB tmpfs, filled up while
                    items fall due; later the filler is removed
  notice-directory  NoticeDirectory= is a directory the daemon may not write; later it may
  journal           journald stops (its socket file left behind: ECONNREFUSED), the daemon is
                    killed and restarted during the outage, then the socket file goes too
                    (ENOENT); later journald comes back

During the fault: the daemon keeps serving its socket (GetStatus answers, with `undelivered`
counting what waits), says what is wrong in its log, and refuses (never half-applies) a change
it cannot store. After the fault clears, without anyone's help (the daemon retries every 30 s),
every notice is delivered to both sinks exactly once and no stage of any acknowledged item is
missing.

Usage (inside Tests/reliability/private-ns, as root):
  fault-campaign.py --bin DIR --work DIR --fault disk-full|notice-directory|journal
"""

import argparse
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import Client, Daemon, Journald, Unreachable  # noqa: E402

arguments = argparse.ArgumentParser()
arguments.add_argument("--bin", required=True)
arguments.add_argument("--work", required=True)
arguments.add_argument("--fault", required=True, choices=["disk-full", "notice-directory", "journal"])
options = arguments.parse_args()
harness.require_private_namespace()

FAULT = options.fault
t = harness.Recorder(f"fault-{FAULT}")
USER = 65534
JOURNAL_GROUP = int(subprocess.run(["getent", "group", "systemd-journal"], capture_output=True, text=True)
                    .stdout.split(":")[2] or 0) if subprocess.run(
                        ["getent", "group", "systemd-journal"], capture_output=True).returncode == 0 else None
STAGES = {"warn-1s", "overdue", "circular", "talk", "accountability"}
RETRY = 30  # Manager.retryAfter

work = os.path.abspath(options.work)
# The daemon's user must reach its configuration and state: they live in private-ns's own /run
# (mode 0755), not under the work directory, whose parents may be private to root.
base = "/run/cadenced-faults"
os.makedirs(base)
config = os.path.join(base, "config")
state = os.path.join(base, "state")
outbox = os.path.join(base, "outbox")
conf = """[Daemon]
TimeZone=UTC
Language=en
[Ledger]
WarnBeforeSec=1s
CircularAfterSec=1s
TalkAfterSec=2s
AccountabilityAfterSec=3s
"""
if FAULT == "notice-directory":
    conf = conf.replace("Language=en\n", f"Language=en\nNoticeDirectory={outbox}\n")
harness.write_config(config, conf)
os.makedirs(state)
if FAULT == "disk-full":
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size=4m,mode=0750,uid={USER},gid={USER}", "cadenced-full", state],
                   check=True)
else:
    os.chown(state, USER, USER)
if FAULT == "notice-directory":
    os.makedirs(outbox)
    os.chown(outbox, USER, USER)


def chown_tree(top, uid):
    """The notice directory and the dated directories in it: writable by the daemon's user or not."""
    for directory, names, files in os.walk(top):
        os.chown(directory, uid, uid)
        os.chmod(directory, 0o755)

journald = Journald(os.path.join(work, "journald.log"))
journald.start()
groups = ["--groups", str(JOURNAL_GROUP)] if JOURNAL_GROUP is not None else ["--clear-groups"]
prefix = ["setpriv", "--reuid", str(USER), "--regid", str(USER)] + groups + ["--"]
daemon = Daemon(os.path.join(options.bin, "cadenced"), config, state, os.path.join(work, "cadenced.log"), prefix=prefix)
daemon.start()
t.check(daemon.wait_ready() is not None, f"the daemon starts as uid {USER}", daemon.log_text()[-500:])
client = Client(daemon.socket)
client.call("AddUnit", {"id": "fault-unit", "name": "Fault Unit", "kind": "other"})
client.close()

acked = {}  # item id -> title
refused = []


def add_items(count, ahead, spacing=0.3, label="item"):
    """Adds `count` items with deadlines `ahead` seconds from now, `spacing` apart."""
    for n in range(count):
        title = f"fault {label} {len(acked) + len(refused) + 1}"
        deadline = harness.iso(time.time() + ahead + n * spacing)
        try:
            reply = harness.call(daemon.socket, "AddItem", {
                "unit": "fault-unit", "title": title, "deadline": deadline, "first": "Director Fault"})
        except Unreachable as error:
            t.check(False, f"AddItem {title!r} answered", str(error))
            continue
        if "error" not in reply and "item" in reply.get("parameters", {}):
            acked[reply["parameters"]["item"]["id"]] = title
        elif "error" not in reply:
            t.check(False, f"AddItem {title!r}: a reply is an item or an error", str(reply)[:300])
        else:
            refused.append((title, reply.get("error"), reply.get("parameters")))


def serves(what):
    try:
        status = daemon.status()
    except (Unreachable, KeyError) as error:
        return t.check(False, f"{what}: the daemon still serves its socket", str(error)), None
    return t.check(daemon.running, f"{what}: the daemon still serves its socket"), status


def log_since(offset):
    return daemon.log_text()[offset:]


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except (Unreachable, KeyError, OSError):
            pass
        time.sleep(0.25)
    return False


def all_delivered():
    status = daemon.status()
    items = harness.call(daemon.socket, "ListItems", {"limit": 100000})["parameters"]["items"]
    return status["undelivered"] == 0 and not any(i.get("nextEvent") for i in items)


# Before the fault: a few items go through normally.
add_items(3, 1.5)
t.check(wait_for(all_delivered, 20), "before the fault: items fall due and are delivered")
log_offset = len(daemon.log_text())

# --- The fault
fault_started = time.monotonic()
if FAULT == "disk-full":
    # Items that fall due while the disk is full; new ones cannot be stored then.
    add_items(6, 2.5, label="due")
    filler = os.path.join(state, "filler")
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    for size in (1 << 16, 1 << 12, 1):
        try:
            while True:
                os.write(fd, b"\0" * size)
        except OSError:
            pass
    os.close(fd)
    free = os.statvfs(state)
    t.note(f"state directory full: {free.f_bavail * free.f_frsize} bytes free")
    add_items(2, 1.0, label="during")
elif FAULT == "notice-directory":
    chown_tree(outbox, 0)  # root's now: the daemon's user may not create files there
    add_items(6, 1.0, label="during")
else:
    journald.stop()
    t.check(not harness.listening(), "journald stopped (its socket file left: connections refused)")
    add_items(4, 1.0, label="during")

# Everything added so far falls due (accountability at deadline + 3 s) while the fault lasts.
time.sleep(1.0 + 6 * 0.3 + 3.0 + 1.0)
ok, status = serves("during the fault")
during_log = log_since(log_offset)
expected_reason = {
    "disk-full": ("No space left on device", "database or disk is full"),
    "notice-directory": ("Permission denied", "permission"),
    "journal": ("not sent to the journal yet",),
}[FAULT]
t.check(any(reason in during_log for reason in expected_reason),
        f"during the fault: the log says what is wrong ({' / '.join(expected_reason)})", during_log[-800:])
t.check(status is not None and status["undelivered"] + (len(refused) if FAULT == "disk-full" else 0) > 0,
        "during the fault: GetStatus counts notices waiting for delivery (or changes were refused)", str(status))
# A failed pass is retried in 30 s, not at once in a loop (which would spin on the CPU and flood
# the journal): one failure per wake-up that found something due, and per ledger change.
failed_passes = sum(1 for line in during_log.splitlines() if "Processing at" in line and "failed" in line)
t.figures["error_lines_during_fault"] = sum(1 for line in during_log.splitlines() if " error " in line)
t.figures["failed_passes_during_fault"] = failed_passes
t.check(failed_passes <= 12, f"during the fault: a failed pass is retried in 30 s, not in a loop "
        f"({failed_passes} failed passes in {time.monotonic() - fault_started:.0f} s)",
        "\n".join(during_log.splitlines()[-3:]))
if refused:
    reasons = sorted({str(r[1]) for r in refused})
    t.note(f"during the fault: {len(refused)} AddItem calls refused ({', '.join(reasons)})")
    t.check(all(r[1] == "io.cadenced.Ledger.LedgerFailure" for r in refused),
            "a change that cannot be stored is refused with LedgerFailure", str(refused[:3]))

if FAULT == "journal":
    # A kill -9 in the middle of the outage: the new process cannot ask the journal either.
    daemon.kill()
    daemon.start()
    t.check(daemon.wait_ready() is not None, "during the outage: restarted after kill -9")
    os.unlink(harness.JOURNAL_SOCKET)
    add_items(3, 1.0, label="no-socket")
    time.sleep(1.0 + 3 * 0.3 + 3.0 + 1.0)
    ok, status = serves("socket file gone")
    t.check(status is not None and status["undelivered"] > 0, "with no journal socket: notices wait", str(status))

# --- The fault clears
cleared = time.monotonic()
if FAULT == "disk-full":
    os.unlink(filler)
elif FAULT == "notice-directory":
    chown_tree(outbox, USER)
else:
    journald.start()
recovered = wait_for(all_delivered, RETRY + 20)
recovery_seconds = time.monotonic() - cleared
t.check(recovered, f"after the fault clears, the daemon retries by itself: everything delivered "
        f"in {recovery_seconds:.1f} s (retry every {RETRY} s)")
t.figures["fault_seconds"] = round(cleared - fault_started, 1)
t.figures["recovery_seconds"] = round(recovery_seconds, 1)

# Work goes on normally afterwards.
add_items(2, 1.0, label="after")
t.check(wait_for(all_delivered, 20), "after recovery: new items fall due and are delivered")
t.check(daemon.stop() == 0, "SIGTERM: clean exit")

# --- Nothing lost, nothing twice
db = harness.ledger(state)
items = {r["id"]: r["title"] for r in db.execute("SELECT id, title FROM rectificationItem")}
stages = {}
for r in db.execute("SELECT itemId, stage, noticeKey FROM itemStage"):
    stages.setdefault(r["itemId"], {})[r["stage"]] = r["noticeKey"]
db.close()
lost = [title for item_id, title in acked.items() if items.get(item_id) != title]
t.check(not lost, f"every acknowledged item ({len(acked)}) is in the ledger", str(lost[:5]))
refused_present = [title for title, _, _ in refused if title in items.values()]
t.check(not refused_present, "no refused item is in the ledger", str(refused_present[:5]))
incomplete = [i for i in items if set(stages.get(i, {})) != STAGES
              or not (stages[i].get("overdue") and stages[i].get("accountability"))]
t.check(not incomplete, f"every item has its five stages, its overdue and accountability notices ({len(items)} items)",
        str(incomplete[:5]))
audit = harness.audit_notices(state, outbox if FAULT == "notice-directory" else None)
harness.check_notice_audit(t, audit, "after recovery")
t.figures.update({"acknowledged_items": len(acked), "refused_items": len(refused), "lost_changes": len(lost),
                  "notices": audit["notices"],
                  "duplicates": audit["journal_duplicates"] + audit["file_duplicates"] + audit["index_duplicates"],
                  "temporaries_left": audit["temporaries"]})
journald.stop()
if FAULT == "disk-full":
    subprocess.run(["umount", state], check=False)
t.finish()
