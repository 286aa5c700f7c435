# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "ETCH"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.etch_obj_root, "test")
# test/e2e is driven by pytest (scripts/test.sh), not lit.
config.excludes = ["e2e", "conformance", "CMakeLists.txt", "lit.cfg.py"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%etch_src_root", config.etch_src_root))
config.substitutions.append(("%host_cc", config.host_cc))
config.substitutions.append(
    ("%runtime_include", os.path.join(config.etch_src_root, "runtime", "include"))
)

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()
# RUN lines that start with `not`/`FileCheck` find them on PATH.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.etch_tools_dir, append_path=True)

tool_dirs = [config.etch_tools_dir, config.llvm_tools_dir]
tools = [
    ToolSubst("etch-opt", unresolved="fatal"),
    ToolSubst("etch-compile", unresolved="ignore"),
    ToolSubst("etch-import", unresolved="ignore"),
    ToolSubst("etch-translate", unresolved="ignore"),
]
llvm_config.add_tool_substitutions(tools, tool_dirs)
