//===- etch-translate.cpp - etch's mlir-translate -------------------------===//
//
// Runs etch's translations out of MLIR: --etch-to-opencl prints the OpenCL C
// program of a memory-planned module.
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/OpenCL/OpenCL.h"

#include "mlir/Support/LogicalResult.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::etch::opencl::registerEtchOpenCLTranslation();
  return mlir::failed(
             mlir::mlirTranslateMain(argc, argv, "etch translation driver\n"))
             ? 1
             : 0;
}
