//===- EtchAttrs.h - etch attributes ----------------------------*- C++ -*-===//
#ifndef ETCH_DIALECTS_ETCH_IR_ETCHATTRS_H
#define ETCH_DIALECTS_ETCH_IR_ETCHATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

#include "dialects/Etch/IR/EtchEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Etch/IR/EtchAttrs.h.inc"

#endif // ETCH_DIALECTS_ETCH_IR_ETCHATTRS_H
