//===- WorkloadKey.cpp - canonical keys of tunable workloads --------------===//
#include "etch/Tuning/WorkloadKey.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::tuning;

namespace {

/// Prints the op as its `linalg.generic` form would read, without SSA names:
/// loops, iterators, maps, operand types, and the payload with operands
/// numbered by position (block arguments `a<i>`, payload results
/// `r<op>.<result>`, values from above `ext`).
void describeOp(linalg::LinalgOp op, llvm::raw_ostream &os) {
  os << "loops=[";
  llvm::interleaveComma(op.getStaticLoopRanges(), os);
  os << "] iterators=[";
  llvm::interleaveComma(
      op.getIteratorTypesArray(), os,
      [&](utils::IteratorType t) { os << utils::stringifyIteratorType(t); });
  os << "] maps=[";
  llvm::interleaveComma(op.getIndexingMapsArray(), os,
                        [&](AffineMap map) { map.print(os); });
  os << "] inputs=[";
  llvm::interleaveComma(op.getDpsInputOperands(), os, [&](OpOperand *operand) {
    operand->get().getType().print(os);
  });
  os << "] outputs=[";
  llvm::interleaveComma(op.getDpsInits(), os,
                        [&](Value init) { init.getType().print(os); });
  os << "]\n";
  Block *body = op.getBlock();
  if (!body) {
    return;
  }
  llvm::DenseMap<Value, std::string> names;
  for (BlockArgument arg : body->getArguments()) {
    names[arg] = "a" + std::to_string(arg.getArgNumber());
  }
  unsigned index = 0;
  for (Operation &payload : body->getOperations()) {
    os << "  " << payload.getName().getStringRef() << "(";
    llvm::interleaveComma(payload.getOperands(), os, [&](Value v) {
      auto it = names.find(v);
      os << (it == names.end() ? std::string("ext") : it->second);
    });
    os << ") -> (";
    llvm::interleaveComma(payload.getResultTypes(), os,
                          [&](Type t) { t.print(os); });
    os << ")";
    // Attributes carry predicates, constants and fastmath flags; the
    // dictionary prints sorted by name.
    if (!payload.getAttrs().empty()) {
      os << " ";
      payload.getAttrDictionary().print(os);
    }
    os << "\n";
    for (OpResult result : payload.getResults()) {
      names[result] = "r" + std::to_string(index) + "." +
                      std::to_string(result.getResultNumber());
    }
    ++index;
  }
}

} // namespace

std::string
mlir::etch::tuning::describeWorkload(linalg::LinalgOp root,
                                     ArrayRef<linalg::LinalgOp> consumerChain,
                                     const TargetKey &target) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "etch-workload format=" << kScheduleFormatVersion << "\n";
  os << "target triple=" << target.triple << " cpu=" << target.cpu
     << " features=" << target.features << "\n";
  os << "root ";
  describeOp(root, os);
  Operation *previous = root;
  for (auto [i, consumer] : llvm::enumerate(consumerChain)) {
    // Which operand of the consumer reads the previous op's result: a
    // residual add `x + conv` and `conv + x` are different workloads only
    // in that position.
    int position = -1;
    for (OpOperand &operand : consumer->getOpOperands()) {
      if (operand.get().getDefiningOp() == previous) {
        position = operand.getOperandNumber();
        break;
      }
    }
    os << "chain " << i << " operand=" << position << " ";
    describeOp(consumer, os);
    previous = consumer;
  }
  return text;
}

std::string
mlir::etch::tuning::computeWorkloadKey(linalg::LinalgOp root,
                                       ArrayRef<linalg::LinalgOp> consumerChain,
                                       const TargetKey &target) {
  uint64_t hash =
      llvm::xxh3_64bits(describeWorkload(root, consumerChain, target));
  std::string key;
  llvm::raw_string_ostream os(key);
  os << "w" << kScheduleFormatVersion << "-"
     << llvm::format_hex_no_prefix(hash, 16);
  return key;
}
