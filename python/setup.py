"""Copies the compiler library into the package at build time.

The C API library (libEtchCompilerC.so, linked against the system's
libMLIR/libLLVM 22) is found at $ETCH_CAPI_LIBRARY, $ETCH_BUILD_DIR/lib or
../build/lib (what scripts/setup.sh builds), and installed as
etch/_lib/libEtchCompilerC.so. Without it the package still installs and
looks for the library at run time (see etch/_capi.py).
"""

import os
import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
NAME = "libEtchCompilerC.so"
RUNTIME_ARCHIVES = ("libetch_runtime_threads.a", "libetch_runtime.a")


def find_library():
    env = os.environ.get("ETCH_CAPI_LIBRARY")
    if env:
        return Path(env)
    dirs = []
    if os.environ.get("ETCH_BUILD_DIR"):
        dirs.append(Path(os.environ["ETCH_BUILD_DIR"]) / "lib")
    dirs.append(HERE.parent / "build" / "lib")
    for d in dirs:
        if (d / NAME).is_file():
            return d / NAME
    return None


class BuildPyWithLibrary(build_py):
    def run(self):
        super().run()
        lib = find_library()
        if lib is None or not lib.is_file():
            print(f"etch setup.py: {NAME} not found (build it: ninja -C build EtchCompilerC); "
                  "the package will look for it at run time", file=sys.stderr)
            return
        dest = Path(self.build_lib) / "etch" / "_lib"
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(lib.resolve(), dest / NAME)
        # The runtime archives etch.load links multi-threaded objects with.
        for archive in RUNTIME_ARCHIVES:
            src = lib.resolve().parent.parent / "runtime" / archive
            if src.is_file():
                shutil.copy2(src, dest / archive)
        # Where etch.tune finds etch-tune (the build tree's bin/).
        bin_dir = lib.resolve().parent.parent / "bin"
        if (bin_dir / "etch-tune").is_file():
            (dest / "bin_dir.txt").write_text(str(bin_dir) + "\n")


setup(cmdclass={"build_py": BuildPyWithLibrary})
