//===- EtchDialect.h - etch graph dialect -----------------------*- C++ -*-===//
#ifndef ETCH_DIALECTS_ETCH_IR_ETCHDIALECT_H
#define ETCH_DIALECTS_ETCH_IR_ETCHDIALECT_H

#include "mlir/IR/Dialect.h"

#include "dialects/Etch/IR/EtchDialect.h.inc"

#endif // ETCH_DIALECTS_ETCH_IR_ETCHDIALECT_H
