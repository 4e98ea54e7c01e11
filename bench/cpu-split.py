#!/usr/bin/python3
"""cpu-split: CPU per accepted message, split by process, while a command
runs (issue 19 point 2).  Samples /proc every 0.1 s and keeps, for each
process, the last utime+stime seen (plus cutime+cstime: children it
reaped), grouped by the process name (comm); processes that existed
before the command count only what they used during it.

  bench/cpu-split.py MESSAGES -- COMMAND ...
e.g. bench/cpu-split.py 2000 -- bench/send-e2e --only ours --count 2000 --repeat 1
Prints ms of CPU per message for each process name (top 12) and in all.
"""
import os
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def sample():
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                data = f.read()
        except OSError:
            continue
        comm = data[data.index("(") + 1:data.rindex(")")]
        fields = data[data.rindex(")") + 2:].split()
        start = int(fields[19])
        ticks = sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
        out[(int(pid), start)] = (comm, ticks)
    return out


def main():
    sep = sys.argv.index("--")
    messages = int(sys.argv[1])
    before = sample()
    seen = {}
    p = subprocess.Popen(sys.argv[sep + 1:], stdout=subprocess.DEVNULL)
    while p.poll() is None:
        for key, (comm, ticks) in sample().items():
            seen[key] = (comm, ticks)
        time.sleep(0.1)
    per = {}
    for key, (comm, ticks) in seen.items():
        used = ticks - (before[key][1] if key in before else 0)
        if used > 0:
            per[comm] = per.get(comm, 0) + used
    total = sum(per.values())
    print(f"CPU per message over {messages} messages (ms), by process name:")
    for comm, ticks in sorted(per.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {comm:20s} {ticks * 1000 / TICK / messages:7.3f}")
    print(f"  {'all':20s} {total * 1000 / TICK / messages:7.3f}")
    return p.returncode


if __name__ == "__main__":
    sys.exit(main())
