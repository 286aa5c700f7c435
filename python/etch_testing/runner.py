"""Compile one ONNX model with etch-compile, link test/e2e/harness.c against the
object, run it, and compare with ONNX Runtime.

    etch-compile DIR/model.onnx --target=<triple> --name=NAME -o DIR/NAME.o
    cc -std=c11 -O2 -I runtime/include -I DIR -DETCH_MODEL_SYM=NAME_model \\
       (header checks, see harness.c) harness.c runtime/src/status.c DIR/NAME.o -o DIR/run
    [run prefix] DIR/run DIR/in0.bin ... -- DIR/out0.bin ...

The link names only the C library: no -lm, no libetch_runtime.a (status.c is
compiled in as source), so a single-threaded object that needs anything else
fails to link. Outputs must satisfy, per output,
max|out - ref| <= 1e-4 * max(1, max|ref|).

Command line, for one model: python -m etch_testing.runner model.onnx [--name N] [--dir D]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Sequence

import numpy as np
import onnx

from . import reference

REPO = Path(__file__).resolve().parents[2]
RUNTIME_INCLUDE = REPO / "runtime" / "include"
STATUS_C = REPO / "runtime" / "src" / "status.c"
HARNESS_C = REPO / "test" / "e2e" / "harness.c"
RTOL = 1e-4

_C_TYPES = {"float32": "float", "float64": "double", "float16": "uint16_t", "int8": "int8_t",
            "uint8": "uint8_t", "int16": "int16_t", "uint16": "uint16_t", "int32": "int32_t",
            "uint32": "uint32_t", "int64": "int64_t", "uint64": "uint64_t", "bool": "_Bool"}


CORTEX_M_DIR = REPO / "test" / "e2e" / "cortex-m"


@dataclass(frozen=True)
class Target:
    """Where a model is compiled for and how its harness is built and run.

    A Linux target runs the harness as ``[*run_prefix, exe, args...]``. A
    bare-metal target (``semihosting=True``) links startup code, newlib
    syscalls over semihosting and a board linker script (``ldflags``, after
    the objects) and runs the image as ``[*run_prefix, -semihosting-config
    enable=on,target=native,arg=exe,arg=..., -kernel exe]``: harness.c then
    reads and writes the host's files and its exit status is QEMU's
    (test/e2e/cortex-m/)."""

    triple: str
    cc: Sequence[str]
    run_prefix: Sequence[str] = ()
    compile_flags: Sequence[str] = ()  # extra etch-compile flags, e.g. --mcpu=...
    cflags: Sequence[str] = ()
    ldflags: Sequence[str] = ()
    semihosting: bool = False
    name: str = ""  # short name for test ids; default: the triple

    @property
    def id(self) -> str:
        return self.name or self.triple

    def available(self) -> bool:
        tools = [self.cc[0]] + ([self.run_prefix[0]] if self.run_prefix else [])
        return all(shutil.which(t) for t in tools)

    def run_command(self, exe: Path, args: Sequence[str]) -> List[str]:
        if not self.semihosting:
            return [*self.run_prefix, str(exe), *map(str, args)]
        argv = [str(exe), *map(str, args)]
        if any(" " in a for a in argv):
            raise ValueError(f"semihosting arguments cannot contain spaces: {argv}")
        config = ",".join(["enable=on", "target=native"] + [f"arg={a.replace(',', ',,')}" for a in argv])
        return [*self.run_prefix, "-semihosting-config", config, "-kernel", str(exe)]


def cortex_m_target(triple: str, mcpu: str, board: str, gcc_flags: Sequence[str], name: str) -> Target:
    """A Cortex-M core on a QEMU board with a linker script in test/e2e/cortex-m/."""
    return Target(
        triple, ["arm-none-eabi-gcc", f"-mcpu={mcpu}", "-mthumb", *gcc_flags],
        ["qemu-system-arm", "-M", board, "-cpu", mcpu, "-nographic", "-monitor", "none", "-serial", "none"],
        compile_flags=[f"--mcpu={mcpu}"],
        ldflags=[CORTEX_M_DIR / "startup.c", CORTEX_M_DIR / "semihost.c", f"-L{CORTEX_M_DIR}",
                 "-T", f"{board}.ld", "--specs=nosys.specs", "-nostartfiles"],
        semihosting=True, name=name)


def host_has_vnni() -> bool:
    """Whether this x86 machine has int8 dot products (AVX-512 VNNI or
    AVX-VNNI), which --mcpu=native code then uses."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = f.read()
    except OSError:
        return False
    return " avx512_vnni" in flags or " avx_vnni" in flags


HOST = Target("x86_64-linux-gnu", ["cc"])
AARCH64_LINUX = Target("aarch64-linux-gnu", ["aarch64-linux-gnu-gcc"],
                       ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"], name="aarch64")
# A CPU with Armv8.2 dotprod (int8 sdot/udot kernels): code compiled for
# cortex-a76 runs on QEMU's "max" CPU, which has every feature it emulates.
AARCH64_DOTPROD = Target("aarch64-linux-gnu", ["aarch64-linux-gnu-gcc"],
                         ["qemu-aarch64", "-cpu", "max", "-L", "/usr/aarch64-linux-gnu"],
                         compile_flags=["--mcpu=cortex-a76"], name="aarch64-a76")
# A CPU with i8mm as well (usdot: uint8 activations stay unsigned).
AARCH64_I8MM = Target("aarch64-linux-gnu", ["aarch64-linux-gnu-gcc"],
                      ["qemu-aarch64", "-cpu", "max", "-L", "/usr/aarch64-linux-gnu"],
                      compile_flags=["--mcpu=neoverse-n2"], name="aarch64-n2")
# A CPU without dotprod (the generic widening int8 lowering).
AARCH64_NODOT = Target("aarch64-linux-gnu", ["aarch64-linux-gnu-gcc"],
                       ["qemu-aarch64", "-cpu", "cortex-a53", "-L", "/usr/aarch64-linux-gnu"],
                       compile_flags=["--mcpu=cortex-a53"], name="aarch64-a53")
CORTEX_M4 = cortex_m_target("thumbv7em-none-eabihf", "cortex-m4", "mps2-an386",
                            ["-mfpu=fpv4-sp-d16", "-mfloat-abi=hard"], "cortex-m4")
CORTEX_M55 = cortex_m_target("thumbv8.1m.main-none-eabihf", "cortex-m55", "mps3-an547",
                             ["-mfloat-abi=hard"], "cortex-m55")
# Bare-metal AArch64 objects (static relocations, no OS calls) linked into a
# static Linux image: qemu-aarch64 runs the same freestanding code a board
# would, and harness.c gets its files from Linux instead of semihosting.
AARCH64_BARE = Target("aarch64-none-elf", ["aarch64-linux-gnu-gcc", "-static"], ["qemu-aarch64"],
                      compile_flags=["--mcpu=cortex-a53"], name="aarch64-none-elf")
# Cortex-M0+ (ARMv6-M, no FPU) on QEMU's microbit (a Cortex-M0 with 16 KiB of
# SRAM): the harness is built with a small guard and command-line buffer, and
# only models with small tensors fit (test_embedded.py picks them).
CORTEX_M0PLUS = Target(
    "thumbv6m-none-eabi",
    ["arm-none-eabi-gcc", "-mcpu=cortex-m0plus", "-mthumb", "-mfloat-abi=soft",
     "-DETCH_SEMIHOST_CMDLINE=1024", "-DGUARD_BYTES=256"],
    ["qemu-system-arm", "-M", "microbit", "-nographic", "-monitor", "none", "-serial", "none"],
    compile_flags=["--mcpu=cortex-m0plus"],
    ldflags=[CORTEX_M_DIR / "startup.c", CORTEX_M_DIR / "semihost.c", f"-L{CORTEX_M_DIR}",
             "-T", "microbit.ld", "--specs=nosys.specs", "-nostartfiles"],
    semihosting=True, name="cortex-m0plus")
TARGETS = {t.triple: t for t in (HOST, AARCH64_LINUX, AARCH64_BARE, CORTEX_M4, CORTEX_M55, CORTEX_M0PLUS)}
BARE_METAL = (CORTEX_M4, CORTEX_M55)


def opencl_target(host: str = "x86_64-linux-gnu", mcpu: str = "generic", extra: Sequence[str] = ()) -> Target:
    """--target=opencl with a host object for `host`, linked with
    libetch_runtime_opencl.a and the OpenCL ICD loader; on this machine the
    kernels run on PoCL's CPU device."""
    lib = build_dir() / "runtime" / "opencl" / "libetch_runtime_opencl.a"
    return Target("opencl", ["cc"], compile_flags=[f"--host={host}", f"--mcpu={mcpu}", *extra],
                  ldflags=[lib, "-lOpenCL"], name=f"opencl-{mcpu}")


class CaseFailure(AssertionError):
    """A model did not compile, link, run or match its reference."""


def build_dir() -> Path:
    """$ETCH_BUILD_DIR, else build/ (what scripts/setup.sh builds)."""
    return Path(os.environ.get("ETCH_BUILD_DIR", REPO / "build"))


def find_etch_compile() -> Optional[str]:
    """$ETCH_COMPILE, else <build dir>/bin/etch-compile ($ETCH_BUILD_DIR or
    build/), else etch-compile on PATH."""
    env = os.environ.get("ETCH_COMPILE")
    if env:
        return env
    for cand in (build_dir() / "bin" / "etch-compile", build_dir() / "tools" / "etch-compile" / "etch-compile"):
        if cand.is_file() and os.access(cand, os.X_OK):
            return str(cand)
    return shutil.which("etch-compile")


def run(cmd: Sequence[str], timeout: float = 600, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout, **kw)


def describe(proc: subprocess.CompletedProcess) -> str:
    return (f"$ {' '.join(map(str, proc.args))}\nexit status {proc.returncode}\n"
            f"--- stdout\n{proc.stdout}--- stderr\n{proc.stderr}")


def compile_model(etch_compile: str, onnx_path: Path, name: str, out_dir: Path, target: Target = HOST,
                  extra_flags: Sequence[str] = (), timeout: float = 600) -> subprocess.CompletedProcess:
    """Raises subprocess.TimeoutExpired after timeout seconds."""
    cmd = [etch_compile, onnx_path, f"--target={target.triple}", *target.compile_flags, f"--name={name}",
           "-o", out_dir / f"{name}.o", *extra_flags]
    return run(cmd, timeout=timeout)


def check_header(header: Path, name: str) -> None:
    if not header.is_file():
        raise CaseFailure(f"etch-compile wrote no header {header}")
    text = header.read_text()
    upper = name.upper()
    wants = [(r'#\s*include\s*[<"]etch/etch\.h[">]', "#include <etch/etch.h>"),
             (rf"extern\s+const\s+etch_model_t\s+{name}_model\s*;", f"extern const etch_model_t {name}_model;"),
             (rf"#\s*define\s+{upper}_ARENA_SIZE\b", f"#define {upper}_ARENA_SIZE"),
             (rf"#\s*define\s+{upper}_ARENA_ALIGN\b", f"#define {upper}_ARENA_ALIGN"),
             (rf"etch_status_t\s+{name}_run\s*\(", f"etch_status_t {name}_run(")]
    missing = [what for pattern, what in wants if not re.search(pattern, text)]
    if missing:
        raise CaseFailure(f"{header} lacks: {', '.join(missing)}\n--- header\n{text}")


def typed_call(name: str, manifest: reference.Manifest) -> str:
    """-D value for harness.c's ETCH_TYPED_CALL(i, o, a): <name>_run(in..., out..., arena)."""
    args = [f"(const {_C_TYPES[t.dtype]} *)i[{k}]" for k, t in enumerate(manifest.inputs)]
    args += [f"({_C_TYPES[t.dtype]} *)o[{k}]" for k, t in enumerate(manifest.outputs)]
    return f"ETCH_TYPED_CALL(i,o,a)={name}_run({','.join(args + ['a'])})"


def threaded_link_flags(build: Optional[Path] = None) -> List[str]:
    """Link flags for an object compiled multi-threaded: the pool's archive
    before libetch_runtime.a (see etch.h), then pthreads."""
    lib = (build or build_dir()) / "runtime"
    return [f"-L{lib}", "-letch_runtime_threads", "-letch_runtime", "-lpthread"]


def build_harness(name: str, case_dir: Path, manifest: reference.Manifest, target: Target = HOST,
                  harness_c: Path = HARNESS_C, obj: Optional[Path] = None,
                  link_flags: Sequence[str] = ()) -> Path:
    exe = case_dir / "run"
    upper = name.upper()
    cmd = [*target.cc, "-std=c11", "-O2", *target.cflags, f"-I{RUNTIME_INCLUDE}", f"-I{case_dir}",
           f"-DETCH_MODEL_SYM={name}_model", f'-DETCH_MODEL_HEADER="{name}.h"',
           f"-DETCH_MODEL_ARENA_SIZE={upper}_ARENA_SIZE", f"-DETCH_MODEL_ARENA_ALIGN={upper}_ARENA_ALIGN",
           f"-D{typed_call(name, manifest)}",
           harness_c, STATUS_C, obj or case_dir / f"{name}.o", *link_flags, *target.ldflags, "-o", exe]
    proc = run(cmd)
    if proc.returncode != 0:
        raise CaseFailure(f"linking the harness failed (the object may need more than libc)\n{describe(proc)}")
    return exe


def run_harness(exe: Path, case_dir: Path, manifest: reference.Manifest, target: Target = HOST,
                check_args: bool = False, env: Optional[dict] = None) -> List[np.ndarray]:
    """Runs the harness; env entries are added to the current environment."""
    ins = [case_dir / t.file for t in manifest.inputs]
    outs = [case_dir / f"out{k}.bin" for k in range(len(manifest.outputs))]
    for o in outs:
        o.unlink(missing_ok=True)
    flags = ["--check-args"] if check_args else []
    proc = run(target.run_command(exe, [*flags, *ins, "--", *outs]), env={**os.environ, **(env or {})})
    if proc.returncode != 0:
        raise CaseFailure(f"the harness failed\n{describe(proc)}")
    return [reference.read_tensor(str(o), t) for o, t in zip(outs, manifest.outputs)]


def compare(name: str, got: np.ndarray, ref: np.ndarray, rtol: float = RTOL) -> Optional[str]:
    """None if got matches ref, else a one-paragraph explanation."""
    if got.shape != ref.shape:
        return f"{name}: shape {got.shape} != reference {ref.shape}"
    if ref.size == 0:
        return None
    g, r = got.astype(np.float64), ref.astype(np.float64)
    bad_nan = np.isnan(g) & ~np.isnan(r)
    if bad_nan.any():
        idx = np.unravel_index(np.argmax(bad_nan), g.shape)
        return (f"{name}: {int(bad_nan.sum())} of {g.size} values are NaN where the reference is not "
                f"(first at {idx}; the arena/output poison is 0xFF bytes, so NaN often means unwritten "
                f"or uninitialized memory)")
    err = np.array(np.abs(g - r))  # np.array: a 0-d result must stay writable
    err[np.isnan(r) & np.isnan(g)] = 0
    tol = rtol * max(1.0, float(np.nanmax(np.abs(r))))
    worst = float(np.nanmax(err))
    if not worst <= tol:
        idx = np.unravel_index(np.nanargmax(err), g.shape)
        return (f"{name}: max |err| {worst:.3g} > tolerance {tol:.3g} at {idx}: got {g[idx]!r}, "
                f"reference {r[idx]!r}; {int((err > tol).sum())} of {g.size} values off")
    return None


@dataclass
class CaseResult:
    case_dir: Path
    manifest: reference.Manifest
    outputs: List[np.ndarray] = field(default_factory=list)


def run_case(name: str, model: onnx.ModelProto, case_dir: Path, etch_compile: str, target: Target = HOST,
             extra_flags: Sequence[str] = (), rtol: float = RTOL, check_args: bool = False,
             link_flags: Sequence[str] = ()) -> CaseResult:
    """Reference, compile, check the header, link, run and compare one model.
    extra_flags go to etch-compile, link_flags to the harness link (e.g.
    threaded_link_flags()). Raises CaseFailure with the failing command's output."""
    case_dir = Path(case_dir)
    manifest = reference.write_case(model, str(case_dir), name)
    proc = compile_model(etch_compile, case_dir / manifest.model, name, case_dir, target, extra_flags)
    if proc.returncode != 0:
        raise CaseFailure(f"etch-compile failed\n{describe(proc)}")
    obj = case_dir / f"{name}.o"
    if not obj.is_file():
        raise CaseFailure(f"etch-compile exited 0 but wrote no {obj}\n{describe(proc)}")
    check_header(case_dir / f"{name}.h", name)
    exe = build_harness(name, case_dir, manifest, target, link_flags=link_flags)
    outs = run_harness(exe, case_dir, manifest, target, check_args=check_args)
    refs = [reference.read_tensor(str(case_dir / t.file), t) for t in manifest.outputs]
    errors = [e for t, o, r in zip(manifest.outputs, outs, refs) if (e := compare(t.name, o, r, rtol))]
    if errors:
        raise CaseFailure(f"{name}: output mismatch (inputs and references in {case_dir})\n" + "\n".join(errors))
    return CaseResult(case_dir, manifest, outs)


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", help="an .onnx file")
    p.add_argument("--name", help="C name (default: the file's stem)")
    p.add_argument("--dir", help="work directory (default: ./etch-e2e-<name>)")
    p.add_argument("--target", default=HOST.triple, choices=sorted([*TARGETS, "opencl"]))
    p.add_argument("--check-args", action="store_true", help="also check run's argument checks")
    args = p.parse_args(argv)
    etch_compile = find_etch_compile()
    if not etch_compile:
        print("etch-compile not found: build it or set ETCH_COMPILE", file=sys.stderr)
        return 2
    name = args.name or re.sub(r"\W", "_", Path(args.model).stem)
    case_dir = Path(args.dir or f"etch-e2e-{name}")
    try:
        target = opencl_target() if args.target == "opencl" else TARGETS[args.target]
        run_case(name, onnx.load(args.model), case_dir, etch_compile, target,
                 check_args=args.check_args)
    except CaseFailure as e:
        print(e, file=sys.stderr)
        return 1
    print(f"{name}: OK ({case_dir})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
