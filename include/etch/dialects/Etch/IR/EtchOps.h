//===- EtchOps.h - etch graph ops -------------------------------*- C++ -*-===//
#ifndef ETCH_DIALECTS_ETCH_IR_ETCHOPS_H
#define ETCH_DIALECTS_ETCH_IR_ETCHOPS_H

#include "etch/dialects/Etch/IR/EtchAttrs.h"
#include "etch/dialects/Etch/IR/EtchDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dialects/Etch/IR/EtchOps.h.inc"

#endif // ETCH_DIALECTS_ETCH_IR_ETCHOPS_H
