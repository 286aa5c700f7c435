//===- EtchAttrs.cpp - etch attributes ------------------------------------===//
#include "etch/dialects/Etch/IR/EtchAttrs.h"
#include "etch/dialects/Etch/IR/EtchDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
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

//===----------------------------------------------------------------------===//
// ScheduleAttr (#etch.schedule), owned by codegen.
//===----------------------------------------------------------------------===//

namespace {
/// Parses `[a, b, ...]` (possibly empty) into `out`.
ParseResult parseI64List(AsmParser &parser, SmallVectorImpl<int64_t> &out) {
  return parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&]() {
    int64_t v;
    if (parser.parseInteger(v)) {
      return failure();
    }
    out.push_back(v);
    return success();
  });
}

void printI64List(AsmPrinter &printer, ArrayRef<int64_t> values) {
  printer << '[';
  llvm::interleaveComma(values, printer);
  printer << ']';
}
} // namespace

Attribute ScheduleAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  std::string kindName;
  if (parser.parseLess() || parser.parseKeyword("kind") || parser.parseEqual() ||
      parser.parseKeywordOrString(&kindName)) {
    return {};
  }
  std::optional<PipelineKind> kind = symbolizePipelineKind(kindName);
  if (!kind) {
    parser.emitError(loc) << "unknown schedule kind '" << kindName << "'";
    return {};
  }
  SmallVector<SmallVector<int64_t>> tiles;
  SmallVector<int64_t> vector, interchange, parallel, unroll;
  llvm::StringSet<> seen;
  while (succeeded(parser.parseOptionalComma())) {
    SMLoc keyLoc = parser.getCurrentLocation();
    StringRef key;
    if (parser.parseKeyword(&key) || parser.parseEqual()) {
      return {};
    }
    if (!seen.insert(key).second) {
      parser.emitError(keyLoc) << "duplicate schedule field '" << key << "'";
      return {};
    }
    if (key == "tile") {
      if (parser.parseCommaSeparatedList(
              AsmParser::Delimiter::Square, [&]() {
                return parseI64List(parser, tiles.emplace_back());
              })) {
        return {};
      }
      if (tiles.size() > 3) {
        parser.emitError(keyLoc) << "at most 3 tile levels, got "
                                 << tiles.size();
        return {};
      }
      continue;
    }
    SmallVectorImpl<int64_t> *dst = llvm::StringSwitch<SmallVectorImpl<int64_t> *>(key)
                                        .Case("vector", &vector)
                                        .Case("interchange", &interchange)
                                        .Case("parallel", &parallel)
                                        .Case("unroll", &unroll)
                                        .Default(nullptr);
    if (!dst) {
      parser.emitError(keyLoc)
          << "unknown schedule field '" << key
          << "' (expected tile, vector, interchange, parallel or unroll)";
      return {};
    }
    if (parseI64List(parser, *dst)) {
      return {};
    }
  }
  if (parser.parseGreater()) {
    return {};
  }
  tiles.resize(3);
  return parser.getChecked<ScheduleAttr>(loc, parser.getContext(), *kind,
                                         tiles[0], tiles[1], tiles[2], vector,
                                         interchange, parallel, unroll);
}

void ScheduleAttr::print(AsmPrinter &printer) const {
  printer << "<kind = " << stringifyPipelineKind(getKind());
  SmallVector<ArrayRef<int64_t>> levels = {
      getWorkgroupTiles(), getRegisterTiles(), getReductionTiles()};
  while (!levels.empty() && levels.back().empty()) {
    levels.pop_back();
  }
  if (!levels.empty()) {
    printer << ", tile = [";
    llvm::interleaveComma(levels, printer, [&](ArrayRef<int64_t> level) {
      printI64List(printer, level);
    });
    printer << ']';
  }
  auto printField = [&](StringRef name, ArrayRef<int64_t> values) {
    if (values.empty()) {
      return;
    }
    printer << ", " << name << " = ";
    printI64List(printer, values);
  };
  printField("vector", getVectorSizes());
  printField("interchange", getInterchange());
  printField("parallel", getParallelDims());
  printField("unroll", getUnroll());
  printer << '>';
}

LogicalResult
ScheduleAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                     PipelineKind kind, ArrayRef<int64_t> workgroupTiles,
                     ArrayRef<int64_t> registerTiles,
                     ArrayRef<int64_t> reductionTiles,
                     ArrayRef<int64_t> vectorSizes,
                     ArrayRef<int64_t> interchange,
                     ArrayRef<int64_t> parallelDims, ArrayRef<int64_t> unroll) {
  size_t numLoops = 0;
  struct Field {
    StringRef name;
    ArrayRef<int64_t> values;
  };
  Field fields[] = {{"tile level 0", workgroupTiles},
                    {"tile level 1", registerTiles},
                    {"tile level 2", reductionTiles},
                    {"vector", vectorSizes},
                    {"unroll", unroll}};
  for (const Field &field : fields) {
    if (field.values.empty()) {
      continue;
    }
    if (numLoops != 0 && field.values.size() != numLoops) {
      return emitError() << "schedule " << field.name << " has "
                         << field.values.size() << " entries, expected "
                         << numLoops << " (one per loop)";
    }
    numLoops = field.values.size();
    for (int64_t v : field.values) {
      if (v < 0) {
        return emitError() << "schedule " << field.name
                           << " entries must be >= 0, got " << v;
      }
    }
  }
  for (size_t i = 0; i < registerTiles.size() && i < reductionTiles.size();
       ++i) {
    if (registerTiles[i] != 0 && reductionTiles[i] != 0) {
      return emitError() << "schedule loop " << i
                         << " is tiled at both level 1 and level 2";
    }
  }
  for (size_t i = 0; i < vectorSizes.size(); ++i) {
    int64_t inner = 0;
    if (i < registerTiles.size()) {
      inner = std::max(inner, registerTiles[i]);
    }
    if (i < reductionTiles.size()) {
      inner = std::max(inner, reductionTiles[i]);
    }
    if (vectorSizes[i] != 0 && inner != 0 && vectorSizes[i] < inner) {
      return emitError() << "schedule vector size " << vectorSizes[i]
                         << " of loop " << i << " is smaller than its tile "
                         << inner;
    }
  }
  if (!interchange.empty()) {
    if (numLoops != 0 && interchange.size() != numLoops) {
      return emitError() << "schedule interchange has " << interchange.size()
                         << " entries, expected " << numLoops;
    }
    SmallVector<bool> used(interchange.size(), false);
    for (int64_t v : interchange) {
      if (v < 0 || v >= static_cast<int64_t>(interchange.size()) || used[v]) {
        return emitError() << "schedule interchange is not a permutation";
      }
      used[v] = true;
    }
  }
  for (size_t i = 0; i < parallelDims.size(); ++i) {
    int64_t d = parallelDims[i];
    if (d < 0 || (numLoops != 0 && d >= static_cast<int64_t>(numLoops)) ||
        (i > 0 && parallelDims[i - 1] >= d)) {
      return emitError() << "schedule parallel dims must be increasing loop "
                            "indices below the number of loops";
    }
  }
  if (kind == PipelineKind::None && numLoops != 0) {
    return emitError() << "schedule of kind 'none' takes no tile sizes";
  }
  return success();
}

unsigned ScheduleAttr::getNumLoops() const {
  for (ArrayRef<int64_t> values :
       {getWorkgroupTiles(), getRegisterTiles(), getReductionTiles(),
        getVectorSizes(), getUnroll(), getInterchange()}) {
    if (!values.empty()) {
      return values.size();
    }
  }
  return 0;
}

SmallVector<int64_t> ScheduleAttr::getTileSizes(unsigned level) const {
  ArrayRef<int64_t> values = level == 0   ? getWorkgroupTiles()
                             : level == 1 ? getRegisterTiles()
                                          : getReductionTiles();
  SmallVector<int64_t> result(values);
  result.resize(getNumLoops(), 0);
  return result;
}
