"""Runners: where a linked benchmark runs. Small interface, one class each:

  local[:taskset=CPUS]     this machine, optionally pinned with taskset
  ssh://[user@]host[:port][?identity=KEY&config=FILE]
                           copies the binary with scp, runs it over ssh,
                           copies the outputs back (needs only a shell and
                           the C library on the device); several, joined
                           by commas, are a device farm measured in
                           parallel, one measurement per host at a time
  exec:'<template>'        any command; {binary} and {args} are replaced
                           (srun, a board-flashing script, ...)
  qemu-aarch64             user-mode emulation: correctness only, timings
                           marked not timing-valid and never used to rank
  ray[:address=HOST:PORT][,resource=NAME][,taskset=CPUS]
                           a Ray cluster (PyPI `ray`): one Ray task per
                           measurement, scheduled on a node that declares
                           the custom resource NAME (default etch_device),
                           one unit per device, so a device runs one
                           measurement at a time and several devices
                           measure in parallel
"""

from __future__ import annotations

import os
import re
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

    def slots(self) -> int:
        """How many measurements may run at once (devices in a farm)."""
        return 1


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
    identity: Optional[str] = None
    config: Optional[str] = None

    def _dest(self) -> str:
        return f"{self.user}@{self.host}" if self.user else self.host

    def _options(self) -> List[str]:
        opts = ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new"]
        if self.config:
            opts = ["-F", self.config] + opts
        if self.identity:
            opts += ["-i", self.identity, "-o", "IdentitiesOnly=yes"]
        return opts

    def _ssh(self) -> List[str]:
        return ["ssh", *self._options()] + (["-p", str(self.port)] if self.port else [])

    def _scp(self) -> List[str]:
        return ["scp", "-q", *self._options()] + (["-P", str(self.port)] if self.port else [])

    def commands(self, exe, args, remote_out):
        # One folder per tuner process and device (a farm may reach one
        # machine through several ports).
        slug = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{self._dest()}-{self.port or 22}")
        rdir = f"{self.remote_dir}-{os.getpid()}-{slug}"
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


@dataclass
class FarmRunner(Runner):
    """Several devices of one kind (e.g. ssh hosts): a measurement takes a
    free device, so all of them measure at once and none runs two."""
    devices: List[Runner] = field(default_factory=list)
    _free: object = field(default=None, repr=False)

    def __post_init__(self):
        import queue
        self._free = queue.Queue()
        for d in self.devices:
            self._free.put(d)

    def slots(self) -> int:
        return len(self.devices)

    def commands(self, exe, args, remote_out):
        raise NotImplementedError("a farm runs on one of its devices")

    def run(self, exe, args, out_path, timeout):
        device = self._free.get()
        try:
            proc = device.run(exe, args, out_path, timeout)
            proc.device = device.name
            return proc
        finally:
            self._free.put(device)


def _ray_measure(binary: bytes, name: str, args: List[str], timeout: float,
                 cpus: Optional[str]) -> dict:
    """Runs on a Ray worker: writes the benchmark to a private folder of the
    node it landed on, runs it, returns its exit status, output and the
    outputs file. Imports only the standard library (the worker's Python
    need not have etch_tune)."""
    import os as _os
    import socket
    import subprocess as _sp
    import tempfile as _tf
    with _tf.TemporaryDirectory(prefix="etch-tune-ray-") as d:
        exe = _os.path.join(d, name)
        with open(exe, "wb") as f:
            f.write(binary)
        _os.chmod(exe, 0o755)
        out = _os.path.join(d, "outputs.bin")
        cmd = (["taskset", "-c", cpus] if cpus else []) + [exe, *args, out]
        try:
            p = _sp.run(cmd, capture_output=True, text=True, timeout=timeout)
        except _sp.TimeoutExpired:
            return {"timeout": True, "node": socket.gethostname()}
        data = b""
        if _os.path.exists(out):
            with open(out, "rb") as f:
                data = f.read()
        return {"timeout": False, "returncode": p.returncode, "stdout": p.stdout,
                "stderr": p.stderr, "outputs": data, "node": socket.gethostname()}


@dataclass
class RayRunner(Runner):
    """Measurements as Ray tasks. A device farm that already runs Ray is used
    as it is: each board's node declares `--resources='{"<resource>": 1}'`
    (`ray start --address=<head> --resources=...`), each measurement asks for
    one unit of it (and no CPU), so Ray's scheduler places it on a free
    device and never puts two on one board; the tuner runs as many at once
    as the cluster has units."""
    address: str = "auto"
    resource: str = "etch_device"
    cpus: Optional[str] = None
    _remote: object = field(default=None, repr=False)

    def _connect(self):
        if self._remote is not None:
            return self._remote
        try:
            import ray
        except ImportError as e:
            raise RunnerError("--runner=ray needs the `ray` package in the tuner's Python "
                              "(scripts/setup.sh puts it in .venv-tune; or pip install ray)") from e
        if not ray.is_initialized():
            try:
                ray.init(address=self.address, logging_level="ERROR", log_to_driver=False,
                         configure_logging=False)
            except Exception as e:  # ConnectionError, or no cluster for "auto"
                raise RunnerError(f"--runner={self.name}: cannot connect to the Ray cluster at "
                                  f"'{self.address}': {e}") from e
        units = int(ray.cluster_resources().get(self.resource, 0))
        if units < 1:
            raise RunnerError(f"--runner={self.name}: no node of the Ray cluster at '{self.address}' "
                              f"declares the resource '{self.resource}'; start each device's node with "
                              f"ray start --address=<head> --resources='{{\"{self.resource}\": 1}}'")
        self._units = units
        # By value: the worker's Python need not have etch_tune importable.
        import sys
        from ray import cloudpickle
        cloudpickle.register_pickle_by_value(sys.modules[__name__])
        self._remote = ray.remote(num_cpus=0, max_retries=0)(_ray_measure)
        return self._remote

    def check(self) -> None:
        """Connects now, so a bad address or a cluster without devices is an
        error before any build."""
        self._connect()

    def slots(self) -> int:
        self._connect()
        return self._units

    def commands(self, exe, args, remote_out):
        raise NotImplementedError("the Ray runner runs no local command")

    def run(self, exe, args, out_path, timeout):
        import ray
        remote = self._connect()
        ref = remote.options(resources={self.resource: 1}).remote(
            Path(exe).read_bytes(), Path(exe).name, [str(a) for a in args], timeout, self.cpus)
        try:
            # Queueing for a busy device is not the benchmark's time: wait
            # without a limit here, the worker enforces `timeout` on the run.
            r = ray.get(ref)
        except Exception as e:  # the worker died, the node left the cluster
            return subprocess.CompletedProcess([str(exe)], 1, "", f"ray: {e}")
        if r["timeout"]:
            raise subprocess.TimeoutExpired([str(exe)], timeout)
        Path(out_path).write_bytes(r["outputs"])
        proc = subprocess.CompletedProcess([str(exe)], r["returncode"], r["stdout"], r["stderr"])
        proc.device = r["node"]
        return proc


def _parse_ray(spec: str, cc: List[str]) -> RayRunner:
    runner = RayRunner(name=spec, cc=cc)
    rest = spec[len("ray"):]
    if rest and not rest.startswith(":"):
        raise RunnerError(f"--runner={spec}: expected ray[:address=HOST:PORT][,resource=NAME][,taskset=CPUS]")
    for item in filter(None, rest[1:].split(",")):
        key, sep, value = item.partition("=")
        if not sep or not value or key not in ("address", "resource", "taskset"):
            raise RunnerError(f"--runner={spec}: '{item}' is not address=HOST:PORT, resource=NAME "
                              "or taskset=CPUS")
        if key == "address":
            runner.address = value
        elif key == "resource":
            runner.resource = value
        else:
            runner.cpus = value
    return runner


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
    if spec.startswith("ssh://") and "," in spec:
        parts = spec.split(",")
        if not all(p.startswith("ssh://") for p in parts) or len(set(parts)) != len(parts):
            raise RunnerError(f"--runner={spec}: a farm is distinct ssh:// hosts joined by commas")
        return FarmRunner(name=spec, cc=cross_cc, devices=[parse_runner(p, triple) for p in parts])
    if spec.startswith("ssh://"):
        rest, _, query = spec[len("ssh://"):].partition("?")
        rest = rest.rstrip("/")
        options = {}
        for item in filter(None, query.split("&")):
            key, sep, value = item.partition("=")
            if not sep or not value or key not in ("identity", "config"):
                raise RunnerError(f"--runner={spec}: '{item}' is not identity=KEY or config=FILE")
            options[key] = os.path.expanduser(value)
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
        return SSHRunner(name=spec, host=rest, user=user, port=port, cc=cross_cc, **options)
    if spec == "ray" or spec.startswith("ray:"):
        return _parse_ray(spec, cross_cc)
    raise RunnerError(f"--runner={spec}: unknown runner; supported: local[:taskset=CPUS], "
                      "ssh://[user@]host[:port][?identity=KEY&config=FILE][,ssh://...], "
                      "exec:'<template with {binary} {args}>', qemu-aarch64, "
                      "ray[:address=HOST:PORT][,resource=NAME][,taskset=CPUS]")
