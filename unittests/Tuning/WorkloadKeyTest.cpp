//===- WorkloadKeyTest.cpp - workload keys are canonical and stable -------===//
#include "etch/Tuning/WorkloadKey.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::etch::tuning;

namespace {

class WorkloadKeyTest : public ::testing::Test {
protected:
  WorkloadKeyTest() {
    ctx.loadDialect<arith::ArithDialect, func::FuncDialect,
                    linalg::LinalgDialect, tensor::TensorDialect>();
  }

  /// Keys of the linalg ops of `source` that are not fills, in order.
  std::vector<std::string> keys(llvm::StringRef source,
                                const TargetKey &target = host) {
    OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &ctx);
    EXPECT_TRUE(module);
    std::vector<std::string> out;
    if (!module) {
      return out;
    }
    module->walk([&](linalg::LinalgOp op) {
      if (!isa<linalg::FillOp>(op)) {
        out.push_back(computeWorkloadKey(op, {}, target));
      }
    });
    return out;
  }

  MLIRContext ctx;
  static inline const TargetKey host = {"x86_64-unknown-linux-gnu", "znver3",
                                        "+avx2,+fma"};
};

/// describeWorkload of the first matmul of kTwoMatmuls, hashed.
constexpr llvm::StringLiteral kGoldenKey = "w1-c1563fd41bad6d80";

constexpr llvm::StringLiteral kTwoMatmuls = R"mlir(
func.func @f(%a: tensor<16x32xf32>, %b: tensor<32x8xf32>,
             %c: tensor<16x8xf32>) -> (tensor<16x8xf32>, tensor<16x8xf32>) {
  %x = linalg.matmul ins(%a, %b : tensor<16x32xf32>, tensor<32x8xf32>)
                     outs(%c : tensor<16x8xf32>) -> tensor<16x8xf32> loc("mm1")
  %other_name = linalg.matmul ins(%a, %b : tensor<16x32xf32>, tensor<32x8xf32>)
                     outs(%c : tensor<16x8xf32>) -> tensor<16x8xf32> loc("mm2")
  return %x, %other_name : tensor<16x8xf32>, tensor<16x8xf32>
}
)mlir";

TEST_F(WorkloadKeyTest, IdenticalLayersShareAKey) {
  std::vector<std::string> k = keys(kTwoMatmuls);
  ASSERT_EQ(k.size(), 2u);
  EXPECT_EQ(k[0], k[1]);
  EXPECT_EQ(k[0].size(), 3u + 16u);
  EXPECT_EQ(k[0].rfind("w1-", 0), 0u);
}

TEST_F(WorkloadKeyTest, NamedAndGenericFormsShareAKey) {
  constexpr llvm::StringLiteral generic = R"mlir(
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @g(%a: tensor<16x32xf32>, %b: tensor<32x8xf32>,
             %c: tensor<16x8xf32>) -> tensor<16x8xf32> {
  %r = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<16x32xf32>, tensor<32x8xf32>)
      outs(%c : tensor<16x8xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<16x8xf32>
  return %r : tensor<16x8xf32>
}
)mlir";
  std::vector<std::string> named = keys(kTwoMatmuls);
  std::vector<std::string> gen = keys(generic);
  ASSERT_EQ(gen.size(), 1u);
  ASSERT_FALSE(named.empty());
  EXPECT_EQ(named[0], gen[0]);
}

TEST_F(WorkloadKeyTest, ShapeTypeTargetAndPayloadChangeTheKey) {
  std::string base = keys(kTwoMatmuls)[0];
  std::string wider = keys(R"mlir(
func.func @f(%a: tensor<16x32xf32>, %b: tensor<32x16xf32>,
             %c: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %x = linalg.matmul ins(%a, %b : tensor<16x32xf32>, tensor<32x16xf32>)
                     outs(%c : tensor<16x16xf32>) -> tensor<16x16xf32>
  return %x : tensor<16x16xf32>
}
)mlir")[0];
  std::string integer = keys(R"mlir(
func.func @f(%a: tensor<16x32xi32>, %b: tensor<32x8xi32>,
             %c: tensor<16x8xi32>) -> tensor<16x8xi32> {
  %x = linalg.matmul ins(%a, %b : tensor<16x32xi32>, tensor<32x8xi32>)
                     outs(%c : tensor<16x8xi32>) -> tensor<16x8xi32>
  return %x : tensor<16x8xi32>
}
)mlir")[0];
  TargetKey arm = {"aarch64-linux-gnu", "cortex-a76", "+neon"};
  std::string other = keys(kTwoMatmuls, arm)[0];
  TargetKey noFMA = host;
  noFMA.features = "+avx2";
  std::string features = keys(kTwoMatmuls, noFMA)[0];
  EXPECT_NE(base, wider);
  EXPECT_NE(base, integer);
  EXPECT_NE(base, other);
  EXPECT_NE(base, features);
}

TEST_F(WorkloadKeyTest, KeyIsStableAcrossRunsAndReleases) {
  // Databases outlive compilers: a change of this value silently orphans
  // every user's tuning records, so it must come with a format bump
  // (kScheduleFormatVersion), never by accident.
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(kTwoMatmuls, &ctx);
  ASSERT_TRUE(module);
  linalg::LinalgOp first;
  module->walk([&](linalg::LinalgOp op) {
    if (!first) {
      first = op;
    }
  });
  std::string text = describeWorkload(first, {}, host);
  EXPECT_NE(text.find("loops=[16, 8, 32]"), std::string::npos) << text;
  EXPECT_NE(text.find("iterators=[parallel, parallel, reduction]"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("arith.mulf(a0, a1) -> (f32)"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("mm1"), std::string::npos) << text;
  EXPECT_EQ(computeWorkloadKey(first, {}, host), std::string(kGoldenKey));
}

} // namespace
