//===- EtchAttrs.cpp - etch attributes ------------------------------------===//
#include "etch/dialects/Etch/IR/EtchAttrs.h"
#include "etch/dialects/Etch/IR/EtchDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::etch;

#include "dialects/Etch/IR/EtchEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Etch/IR/EtchAttrs.cpp.inc"

void EtchDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/Etch/IR/EtchAttrs.cpp.inc"
      >();
}
