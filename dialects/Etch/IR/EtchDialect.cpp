//===- EtchDialect.cpp - etch graph dialect -------------------------------===//
#include "etch/dialects/Etch/IR/EtchDialect.h"
#include "etch/dialects/Etch/IR/EtchAttrs.h"
#include "etch/dialects/Etch/IR/EtchOps.h"

using namespace mlir;
using namespace mlir::etch;

#include "dialects/Etch/IR/EtchDialect.cpp.inc"

void EtchDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/Etch/IR/EtchOps.cpp.inc"
      >();
  registerAttributes();
}

Operation *EtchDialect::materializeConstant(OpBuilder &builder,
                                            Attribute value, Type type,
                                            Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements) {
    return nullptr;
  }
  return ConstantOp::create(builder, loc, type, elements);
}
