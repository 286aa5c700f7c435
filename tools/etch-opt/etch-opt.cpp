//===- etch-opt.cpp - etch's mlir-opt -------------------------------------===//
//
// Runs any etch pass or pipeline stage (and every upstream pass) on .mlir.
//
//===----------------------------------------------------------------------===//
#include "etch/Conversion/Passes.h"
#include "etch/Transforms/Passes.h"
#include "etch/codegen/Common/Passes.h"
#include "etch/codegen/LLVMCPU/Passes.h"
#include "etch/codegen/OpenCL/OpenCL.h"
#include "etch/dialects/Etch/IR/EtchDialect.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::etch::registerEtchGraphPasses();
  mlir::etch::registerEtchCommonPasses();
  mlir::etch::registerEtchConversionPasses();
  mlir::etch::llvmcpu::registerEtchLLVMCPUPasses();
  mlir::etch::opencl::registerEtchOpenCLPasses();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<mlir::etch::EtchDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "etch optimizer driver\n", registry));
}
