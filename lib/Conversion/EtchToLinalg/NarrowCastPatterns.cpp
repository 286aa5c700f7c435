//===- NarrowCastPatterns.cpp - Cast to and from float8/float4/int4/int2 -===//
//
// LLVM has no float8 or float4 arithmetic, and upstream's arith expansions
// cover only f8E8M0FNU and f4E2M1FN, with their own overflow rules. ONNX's
// Cast rules (saturate, round_mode, NaN and infinity per format) are written
// here as integer operations on the f32 bit pattern, which vectorize like any
// other elementwise body:
//   decode: code -> f32 bits (exponent rebias, subnormals via a multiply)
//   encode: f32 bits -> code, rounded to nearest even on the dropped bits,
//           then overflow, NaN and negative zero per format.
// The 8-bit formats are MLIR's float8 types (arith.bitcast to and from i8);
// float4e2m1 and the sub-byte integers travel as i8 (etch.cast's storage
// attributes).
//
//===----------------------------------------------------------------------===//
#include "Utils.h"

#include "etch/dialects/Etch/IR/EtchOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::to_linalg;

namespace {

/// How a small float format spends its bits and its special values.
enum class Specials {
  Ieee, ///< exponent all ones: infinity (mantissa 0) or NaN (f8E5M2)
  Fn,   ///< only S.1111.111 is NaN, no infinity (f8E4M3FN)
  Fnuz, ///< 0x80 is the one NaN, no -0, no infinity (the FNUZ types)
  None, ///< neither NaN nor infinity (f4E2M1FN)
};

struct MiniFloat {
  unsigned expBits, mantBits;
  int bias;
  Specials specials;
  unsigned maxCode; ///< magnitude code of the largest finite value

  unsigned width() const { return 1 + expBits + mantBits; }
};

std::optional<MiniFloat> miniFloatOf(Type type, StringRef storage) {
  if (storage == "f4E2M1FN") {
    return MiniFloat{2, 1, 1, Specials::None, 0x7};
  }
  if (isa<Float8E4M3FNType>(type)) {
    return MiniFloat{4, 3, 7, Specials::Fn, 0x7E};
  }
  if (isa<Float8E4M3FNUZType>(type)) {
    return MiniFloat{4, 3, 8, Specials::Fnuz, 0x7F};
  }
  if (isa<Float8E5M2Type>(type)) {
    return MiniFloat{5, 2, 15, Specials::Ieee, 0x7B};
  }
  if (isa<Float8E5M2FNUZType>(type)) {
    return MiniFloat{5, 2, 16, Specials::Fnuz, 0x7F};
  }
  return std::nullopt;
}

struct Emitter {
  OpBuilder &b;
  Location loc;
  Type i32 = b.getI32Type();

  Value c(int64_t v) { return createScalar(b, loc, i32, double(v)); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value andi(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  Value ori(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  Value shl(Value x, Value y) { return arith::ShLIOp::create(b, loc, x, y); }
  Value shr(Value x, Value y) { return arith::ShRUIOp::create(b, loc, x, y); }
  Value cmp(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  Value eq(Value x, Value y) { return cmp(arith::CmpIPredicate::eq, x, y); }
  Value sel(Value cond, Value t, Value f) {
    return arith::SelectOp::create(b, loc, cond, t, f);
  }
  Value toF32(Value x) {
    return arith::BitcastOp::create(b, loc, b.getF32Type(), x);
  }
  Value toBits(Value f) { return arith::BitcastOp::create(b, loc, i32, f); }

  /// The code (an i32 holding `fmt.width()` bits) as f32.
  Value decode(Value code, const MiniFloat &fmt) {
    unsigned m = fmt.mantBits, em = fmt.expBits + fmt.mantBits;
    Value sign = shl(shr(code, c(em)), c(31));
    Value exp = andi(shr(code, c(m)), c((1 << fmt.expBits) - 1));
    Value mant = andi(code, c((1 << m) - 1));
    Value normal = ori(sign, ori(shl(add(exp, c(127 - fmt.bias)), c(23)),
                                 shl(mant, c(23 - m))));
    // Subnormals: mant * 2^(1 - bias - m), exact in f32.
    Value sub = arith::MulFOp::create(
        b, loc, arith::UIToFPOp::create(b, loc, b.getF32Type(), mant),
        createScalar(b, loc, b.getF32Type(),
                     std::ldexp(1.0, 1 - fmt.bias - m)));
    sub = ori(toBits(sub), sign);
    Value bits = sel(eq(exp, c(0)), sub, normal);
    Value nan = ori(sign, c(0x7FC00000));
    switch (fmt.specials) {
    case Specials::Ieee: {
      Value top = eq(exp, c((1 << fmt.expBits) - 1));
      Value inf = ori(sign, c(0x7F800000));
      bits = sel(top, sel(eq(mant, c(0)), inf, nan), bits);
      break;
    }
    case Specials::Fn:
      bits = sel(eq(andi(code, c((1 << em) - 1)), c((1 << em) - 1)), nan, bits);
      break;
    case Specials::Fnuz:
      bits = sel(eq(code, c(1 << em)), c(0x7FC00000), bits);
      break;
    case Specials::None:
      break;
    }
    return toF32(bits);
  }

  /// f32 `x` as the code of `fmt` (an i32), rounded to nearest even.
  Value encode(Value x, const MiniFloat &fmt, bool saturate) {
    unsigned m = fmt.mantBits, em = fmt.expBits + fmt.mantBits;
    Value bits = toBits(x);
    Value sign = shr(bits, c(31));
    Value abs = andi(bits, c(0x7FFFFFFF));
    Value isNan = cmp(arith::CmpIPredicate::ugt, abs, c(0x7F800000));
    Value eb = shr(abs, c(23));
    Value mant = andi(abs, c(0x7FFFFF));
    Value ebIsZero = eq(eb, c(0));
    // f32 subnormals have exponent 1 - 127 and no implicit bit.
    Value sig = sel(ebIsZero, mant, ori(mant, c(0x800000)));
    Value et = sub(sel(ebIsZero, c(1), eb), c(127 - fmt.bias));
    Value isNormal = cmp(arith::CmpIPredicate::sge, et, c(1));
    // Bits dropped from the 24-bit significand: 23 - m, plus one per step
    // below the target's smallest normal exponent.
    Value shift =
        sel(isNormal, c(23 - m),
            arith::MinSIOp::create(b, loc, sub(c(24 - m), et), c(31)));
    Value q = shr(sig, shift);
    q = add(q, sel(isNormal, shl(sub(et, c(1)), c(m)), c(0)));
    Value one = c(1);
    Value rem = andi(sig, sub(shl(one, shift), one));
    Value half = shl(one, sub(shift, one));
    Value up = arith::OrIOp::create(
        b, loc, cmp(arith::CmpIPredicate::ugt, rem, half),
        arith::AndIOp::create(b, loc, eq(rem, half), eq(andi(q, one), one)));
    q = add(q, arith::ExtUIOp::create(b, loc, i32, up));
    Value code = ori(shl(sign, c(em)), q);
    if (fmt.specials == Specials::Fnuz) {
      code = sel(eq(q, c(0)), c(0), code); // no negative zero
    }
    Value signBit = shl(sign, c(em));
    Value overflow;
    Value nan;
    switch (fmt.specials) {
    case Specials::Ieee:
      overflow = ori(
          signBit, c(saturate ? fmt.maxCode : ((1u << fmt.expBits) - 1) << m));
      nan = ori(signBit, c(0x7E));
      break;
    case Specials::Fn:
      overflow = ori(signBit, c(saturate ? fmt.maxCode : 0x7F));
      nan = ori(signBit, c(0x7F));
      break;
    case Specials::Fnuz:
      overflow = saturate ? ori(signBit, c(fmt.maxCode)) : c(1 << em);
      nan = c(1 << em);
      break;
    case Specials::None:
      // Always saturates; NaN has no code and becomes a zero of the other
      // sign, as ml_dtypes (ONNX's reference) does.
      overflow = ori(signBit, c(fmt.maxCode));
      nan = shl(arith::XOrIOp::create(b, loc, sign, one), c(em));
      break;
    }
    code =
        sel(cmp(arith::CmpIPredicate::ugt, q, c(fmt.maxCode)), overflow, code);
    return sel(isNan, nan, code);
  }

  /// f32 as f8E8M0FNU's code (the biased exponent, sign ignored), as
  /// onnx.numpy_helper.to_float8e8m0 rounds.
  Value encodeE8M0(Value x, bool saturate, StringRef roundMode) {
    Value bits = toBits(x);
    Value eb = andi(shr(bits, c(23)), c(0xFF));
    Value special = eq(eb, c(0xFF));
    Value falseV = arith::ConstantIntOp::create(b, loc, 0, 1);
    Value up = falseV;
    if (roundMode == "up") {
      up = cmp(arith::CmpIPredicate::ne, andi(bits, c(0x7FFFFF)), c(0));
    } else if (roundMode == "nearest") {
      auto any = [&](int64_t mask) {
        return cmp(arith::CmpIPredicate::ne, andi(bits, c(mask)), c(0));
      };
      Value rest = arith::OrIOp::create(
          b, loc, arith::OrIOp::create(b, loc, any(0x200000), any(0x1FFFFF)),
          cmp(arith::CmpIPredicate::ugt, eb, c(0)));
      up = arith::AndIOp::create(b, loc, any(0x400000), rest);
    }
    if (saturate) {
      up = arith::AndIOp::create(b, loc, up,
                                 cmp(arith::CmpIPredicate::ne, eb, c(0xFE)));
    }
    Value code = add(eb, arith::ExtUIOp::create(b, loc, i32, up));
    return sel(special, c(0xFF), code);
  }

  /// f8E8M0FNU's code as f32: 2^(code - 127), 0xFF is NaN.
  Value decodeE8M0(Value code) {
    Value bits = sel(eq(code, c(0)), c(0x00400000), shl(code, c(23)));
    return toF32(sel(eq(code, c(0xFF)), c(0x7FC00000), bits));
  }
};

bool isF8E8M0(Type t) { return isa<Float8E8M0FNUType>(t); }

/// The 8-bit pattern of `x` (a float8 or an i8) zero-extended to i32.
Value codeOf(Emitter &e, Value x) {
  Type i8 = e.b.getI8Type();
  if (!x.getType().isInteger(8)) {
    x = arith::BitcastOp::create(e.b, e.loc, i8, x);
  }
  return arith::ExtUIOp::create(e.b, e.loc, e.i32, x);
}

/// An i32 code as `to` (a float8 type or i8).
Value fromCode(Emitter &e, Value code, Type to) {
  Value byte = arith::TruncIOp::create(e.b, e.loc, e.b.getI8Type(), code);
  return to.isInteger(8)
             ? byte
             : arith::BitcastOp::create(e.b, e.loc, to, byte).getResult();
}

} // namespace

bool to_linalg::needsNarrowCast(Type from, Type to, StringRef inStorage,
                                StringRef outStorage) {
  auto special = [](Type t) {
    return isa<Float8E4M3FNType, Float8E4M3FNUZType, Float8E5M2Type,
               Float8E5M2FNUZType, Float8E8M0FNUType>(t);
  };
  return special(from) || special(to) || !inStorage.empty() ||
         !outStorage.empty();
}

Value to_linalg::buildNarrowCast(OpBuilder &b, Location loc, Value x, Type to,
                                 const NarrowCastOptions &opts,
                                 function_ref<Value(Value, Type)> plainCast) {
  Emitter e{b, loc};
  Type f32 = b.getF32Type();
  // 1. The input as a plain value: float8/float4 decode to f32.
  Type from = x.getType();
  if (isF8E8M0(from)) {
    x = e.decodeE8M0(codeOf(e, x));
  } else if (auto fmt = miniFloatOf(from, opts.inputStorage)) {
    x = e.decode(codeOf(e, x), *fmt);
  }
  // 2. The plain value as the output.
  if (isF8E8M0(to)) {
    return fromCode(
        e, e.encodeE8M0(plainCast(x, f32), opts.saturate, opts.roundMode), to);
  }
  if (auto fmt = miniFloatOf(to, opts.outputStorage)) {
    return fromCode(e, e.encode(plainCast(x, f32), *fmt, opts.saturate), to);
  }
  StringRef out = opts.outputStorage;
  if (out.empty()) {
    return plainCast(x, to);
  }
  // i4/ui4/i2/ui2 in an i8.
  unsigned bits = out.ends_with("4") ? 4 : 2;
  bool isUnsigned = out.starts_with("u");
  Type i8 = b.getI8Type();
  if (isa<FloatType>(x.getType())) {
    // Truncated toward zero; out of range (NaN included) gives 0, as
    // ml_dtypes (ONNX's reference) does.
    Value xf = plainCast(x, f32);
    double lo = isUnsigned ? 0 : -std::ldexp(1.0, bits - 1);
    double hi =
        isUnsigned ? std::ldexp(1.0, bits) - 1 : std::ldexp(1.0, bits - 1) - 1;
    Value inRange = arith::AndIOp::create(
        b, loc,
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, xf,
                              createScalar(b, loc, f32, lo - 1)),
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, xf,
                              createScalar(b, loc, f32, hi + 1)));
    xf = arith::SelectOp::create(b, loc, inRange, xf,
                                 createScalar(b, loc, f32, 0));
    return arith::TruncIOp::create(b, loc, i8,
                                   arith::FPToSIOp::create(b, loc, e.i32, xf));
  }
  // Integers wrap to the low `bits` bits, then sign- or zero-extend.
  Value v = plainCast(x, i8);
  Value shift = createScalar(b, loc, i8, 8 - bits);
  v = arith::ShLIOp::create(b, loc, v, shift);
  return isUnsigned ? arith::ShRUIOp::create(b, loc, v, shift).getResult()
                    : arith::ShRSIOp::create(b, loc, v, shift).getResult();
}
