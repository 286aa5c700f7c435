"""Runners: where a linked benchmark runs. Small interface, one class each:

  local[:taskset=CPUS]     this machine, optionally pinned with taskset
  ssh://[user@]host[:port] copies the binary with scp, runs it over ssh,
                           copies the outputs back (needs only a shell and
                           the C library on the device)
  exec:'<template>'        any command; {binary} and {args} are replaced
                           (srun, a board-flashing script, ...)
  qemu-aarch64             user-mode emulation: correctness only, timings
                           marked not timing-valid and never used to rank
"""

from __future__ import annotations

import os
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Sequence


class RunnerError(ValueError):
    pass


@dataclass
class Runner:
    name: str = "local"
    timing_valid: bool = True
    cc: List[str] = field(default_factory=lambda: ["cc"])

    def commands(self, exe: Path, args: Sequence[str], remote_out: str) -> List[List[str]]:
        raise NotImplementedError

    def run(self, exe: Path, args: Sequence[str], out_path: Path, timeout: float) -> subprocess.CompletedProcess:
        """Runs `exe args... <out>` and leaves the outputs file at out_path.
        Returns the completed process of the benchmark itself."""
        main = None
        for i, cmd in enumerate(self.commands(exe, args, str(out_path))):
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
            if i == self.main_index():
                main = proc
            if proc.returncode != 0:
                return proc
        assert main is not None
        return main

    def main_index(self) -> int:
        return 0


@dataclass
class LocalRunner(Runner):
    cpus: Optional[str] = None

    def commands(self, exe, args, remote_out):
        prefix = ["taskset", "-c", self.cpus] if self.cpus else []
        return [prefix + [str(exe), *args, remote_out]]


@dataclass
class QemuRunner(Runner):
    sysroot: str = "/usr/aarch64-linux-gnu"

    def commands(self, exe, args, remote_out):
        return [["qemu-aarch64", "-L", self.sysroot, str(exe), *args, remote_out]]


@dataclass
class ExecRunner(Runner):
    template: str = "{binary} {args}"

    def commands(self, exe, args, remote_out):
        line = self.template.replace("{binary}", shlex.quote(str(exe))).replace(
            "{args}", " ".join(shlex.quote(a) for a in [*args, remote_out]))
        return [["/bin/sh", "-c", line]]


@dataclass
class SSHRunner(Runner):
    host: str = ""
    user: Optional[str] = None
    port: Optional[int] = None
    remote_dir: str = "/tmp/etch-tune"

    def _dest(self) -> str:
        return f"{self.user}@{self.host}" if self.user else self.host

    def _ssh(self) -> List[str]:
        cmd = ["ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new"]
        return cmd + (["-p", str(self.port)] if self.port else [])

    def _scp(self) -> List[str]:
        cmd = ["scp", "-q", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new"]
        return cmd + (["-P", str(self.port)] if self.port else [])

    def commands(self, exe, args, remote_out):
        rdir = f"{self.remote_dir}-{os.getpid()}"
        rexe = f"{rdir}/{Path(exe).name}"
        rout = f"{rdir}/outputs.bin"
        run = " ".join(shlex.quote(a) for a in [rexe, *args, rout])
        return [
            self._ssh() + [self._dest(), f"mkdir -p {shlex.quote(rdir)}"],
            self._scp() + [str(exe), f"{self._dest()}:{rexe}"],
            self._ssh() + [self._dest(), run],
            self._scp() + [f"{self._dest()}:{rout}", remote_out],
        ]

    def main_index(self) -> int:
        return 2


def parse_runner(spec: str, triple: str) -> Runner:
    aarch64 = triple.startswith("aarch64")
    cross_cc = ["aarch64-linux-gnu-gcc"] if aarch64 else ["cc"]
    if spec == "local" or spec.startswith("local:"):
        cpus = None
        if spec.startswith("local:"):
            opt = spec[len("local:"):]
            if not opt.startswith("taskset="):
                raise RunnerError(f"--runner={spec}: expected local or local:taskset=<cpus>")
            cpus = opt[len("taskset="):]
        return LocalRunner(name=spec, cpus=cpus, cc=["cc"])
    if spec == "qemu-aarch64":
        if not aarch64:
            raise RunnerError("--runner=qemu-aarch64 needs an aarch64 --target")
        return QemuRunner(name=spec, timing_valid=False, cc=cross_cc)
    if spec.startswith("exec:"):
        template = spec[len("exec:"):].strip("'\"")
        if "{binary}" not in template:
            raise RunnerError("--runner=exec:'<template>' needs a {binary} placeholder")
        return ExecRunner(name="exec", template=template, cc=cross_cc)
    if spec.startswith("ssh://"):
        rest = spec[len("ssh://"):].rstrip("/")
        user = None
        if "@" in rest:
            user, rest = rest.split("@", 1)
        port = None
        if ":" in rest:
            rest, p = rest.rsplit(":", 1)
            if not p.isdigit():
                raise RunnerError(f"--runner={spec}: port '{p}' is not a number")
            port = int(p)
        if not rest:
            raise RunnerError(f"--runner={spec}: no host")
        return SSHRunner(name=spec, host=rest, user=user, port=port, cc=cross_cc)
    raise RunnerError(f"--runner={spec}: unknown runner; supported: local[:taskset=CPUS], "
                      "ssh://[user@]host[:port], exec:'<template with {binary} {args}>', qemu-aarch64")
