#!/usr/bin/env python3
"""Run a benchmark command while every other compute process on the machine is paused.

    python3 bench/quiet.py taskset -c 1 build/bin/etch-bench model.onnx --runs 30

On a shared machine (several engineers building and testing on the same two cores) timings
move 2x between rounds. This SIGSTOPs every process that looks like compute work (compilers,
linkers, Python, qemu, test binaries) outside the command's own process group, re-scanning
every 0.1 s so that processes started meanwhile are paused too, runs the command, and then
SIGCONTs everything it paused (also on Ctrl-C). Processes of the kernel and pid 1 are never
touched. Do not use it while something with wall-clock timeouts runs (a CI job): a paused
test can time out.
"""
import os
import re
import signal
import subprocess
import sys
import threading
import time

COMPUTE = re.compile(
    r"^(etch-|python|ninja|cc1|c\+\+|g\+\+|gcc|cc$|ld|lld|clang|qemu|perf|cmake|pip|pytest|"
    r"make|llc|opt$|FileCheck|lit$|as$|collect2|ctest|.*\.bench|bench_model|a\.out|node|"
    r"timeout|xargs|sh$|bash$)")


def scan(own_group, paused, stop):
    while not stop.is_set():
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            pid = int(entry)
            try:
                with open(f"/proc/{pid}/comm") as f:
                    comm = f.read().strip()
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            state, ppid, pgid = fields[0], int(fields[1]), int(fields[2])
            if pid in paused or pid == 1 or ppid == 2 or pgid == own_group:
                continue
            if not COMPUTE.match(comm):
                continue
            # Idle shells (waiting on a child) need no pause; busy ones do.
            if comm in ("bash", "sh") and state != "R":
                continue
            try:
                os.kill(pid, signal.SIGSTOP)
                paused.add(pid)
            except OSError:
                pass
        stop.wait(0.1)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    paused, stop = set(), threading.Event()
    scanner = threading.Thread(target=scan, args=(os.getpgid(0), paused, stop), daemon=True)
    scanner.start()
    time.sleep(0.5)
    try:
        rc = subprocess.call(sys.argv[1:])
    finally:
        stop.set()
        scanner.join()
        for pid in paused:
            try:
                os.kill(pid, signal.SIGCONT)
            except OSError:
                pass
        print(f"[quiet.py: paused {len(paused)} processes while it ran]", file=sys.stderr)
    sys.exit(rc)


if __name__ == "__main__":
    main()
