//===- etch-import.cpp - print the etch module of an ONNX model -----------===//
//
// Developer tool for the `import` phase alone (lit tests of the importer):
//   etch-import model.onnx [--input-shape x=1x3x224x224] [-o out.mlir]
//
//===----------------------------------------------------------------------===//
#include "etch/Importer/OnnxImporter.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace llvm;

static cl::opt<std::string> inputFile(cl::Positional, cl::Required,
                                      cl::desc("<model.onnx>"));
static cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                       cl::value_desc("filename"),
                                       cl::init("-"));
static cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Pin a graph input's shape: name=d0xd1x... "
                         "(repeatable, or comma separated)"),
                cl::value_desc("name=shape"));
static cl::list<std::string>
    inputValues("input-value",
                cl::desc("Fix a graph input to constant values: "
                         "name=v0,v1,... (row-major, repeatable)"),
                cl::value_desc("name=values"));

static cl::opt<std::string>
    requant("requant",
            cl::desc("Requantization of int8 ops: float (default) or "
                     "fixedpoint (as etch-compile --requant)"),
            cl::value_desc("mode"), cl::init("float"));

static cl::opt<bool> unsignedActivations(
    "unsigned-activations",
    cl::desc("Keep uint8 activations of int8 convolutions and matmuls "
             "unsigned (what etch-compile does for targets with x86 VNNI)"),
    cl::init(false));

int main(int argc, char **argv) {
  InitLLVM y(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  cl::ParseCommandLineOptions(argc, argv, "etch ONNX importer\n");

  mlir::etch::OnnxImportOptions opts;
  opts.unsignedActivations = unsignedActivations;
  if (requant == "fixedpoint") {
    opts.requant = mlir::etch::RequantMode::FixedPoint;
  } else if (requant != "float") {
    errs() << "etch-import: --requant=" << requant
           << ": unknown mode; supported: float, fixedpoint\n";
    return 1;
  }
  for (const std::string &spec : inputShapes) {
    if (Error err = mlir::etch::addInputShapeSpec(opts, spec)) {
      errs() << "etch-import: " << toString(std::move(err)) << "\n";
      return 1;
    }
  }
  for (const std::string &spec : inputValues) {
    if (Error err = mlir::etch::addInputValueSpec(opts, spec)) {
      errs() << "etch-import: " << toString(std::move(err)) << "\n";
      return 1;
    }
  }

  mlir::MLIRContext ctx;
  SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler diagHandler(sourceMgr, &ctx);
  auto module = mlir::etch::importOnnxModel(ctx, inputFile, opts);
  if (failed(module)) {
    return 1;
  }
  std::string error;
  auto output = mlir::openOutputFile(outputFile, &error);
  if (!output) {
    errs() << "etch-import: " << error << "\n";
    return 1;
  }
  (*module)->print(output->os());
  output->os() << "\n";
  output->keep();
  return 0;
}
