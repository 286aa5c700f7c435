//===- etch-compile.cpp - ONNX model -> object file + C header ------------===//
//
// See `etch-compile --help`; the whole driver is runEtchCompileMain in
// lib/Pipelines.
//
//===----------------------------------------------------------------------===//
#include "etch/Pipelines/Pipelines.h"

int main(int argc, char **argv) {
  return mlir::etch::runEtchCompileMain(argc, argv);
}
