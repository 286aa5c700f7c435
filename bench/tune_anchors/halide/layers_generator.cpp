// Halide generators for the five anchor layers (../layers.py), scheduled
// only by Halide's autoschedulers (Adams2019, Li2018, Mullapudi2016): no
// hand schedule. Buffers are NCHW like etch's, so Halide's innermost-first
// dimensions read (x, y, c, n); the input arrives padded, as etch's layer
// takes it (the pad belongs to the previous layer).
#include "Halide.h"

using namespace Halide;

namespace {

Expr activation(Expr v, int kind) {
  // 0: none, 1: ReLU, 2: ReLU6.
  if (kind == 1) {
    return max(v, 0.0f);
  }
  if (kind == 2) {
    return clamp(v, 0.0f, 6.0f);
  }
  return v;
}

class ConvLayer : public Generator<ConvLayer> {
public:
  GeneratorParam<int> C{"C", 64}, H{"H", 56}, W{"W", 56}, F{"F", 64};
  GeneratorParam<int> K{"K", 3}, stride{"stride", 1}, pad{"pad", 1};
  GeneratorParam<bool> depthwise{"depthwise", false};
  GeneratorParam<int> act{"act", 1};

  Input<Buffer<float, 4>> input{"input"};     // (W + 2 pad, H + 2 pad, C, 1)
  Input<Buffer<float, 4>> weights{"weights"}; // (K, K, C or 1, F)
  Input<Buffer<float, 1>> bias{"bias"};       // (F)
  Output<Buffer<float, 4>> output{"output"};  // (OW, OH, F, 1)

  void generate() {
    Var x("x"), y("y"), f("f"), n("n");
    Func conv("conv");
    int s = stride;
    conv(x, y, f, n) = bias(f);
    if (depthwise) {
      RDom r(0, K, 0, K);
      conv(x, y, f, n) +=
          weights(r.x, r.y, 0, f) * input(x * s + r.x, y * s + r.y, f, n);
    } else {
      RDom r(0, K, 0, K, 0, C);
      conv(x, y, f, n) +=
          weights(r.x, r.y, r.z, f) * input(x * s + r.x, y * s + r.y, r.z, n);
    }
    output(x, y, f, n) = activation(conv(x, y, f, n), act);

    int oh = (H + 2 * pad - K) / s + 1, ow = (W + 2 * pad - K) / s + 1;
    input.set_estimates({{0, W + 2 * pad}, {0, H + 2 * pad}, {0, C}, {0, 1}});
    weights.set_estimates(
        {{0, K}, {0, K}, {0, depthwise ? 1 : int(C)}, {0, F}});
    bias.set_estimates({{0, F}});
    output.set_estimates({{0, ow}, {0, oh}, {0, F}, {0, 1}});
  }
};

class MatmulLayer : public Generator<MatmulLayer> {
public:
  GeneratorParam<int> M{"M", 1}, K{"K", 1280}, N{"N", 1000};

  Input<Buffer<float, 2>> a{"a"};       // (K, M): row-major M x K
  Input<Buffer<float, 2>> b{"b"};       // (K, N): Gemm transB, N x K
  Input<Buffer<float, 1>> bias{"bias"}; // (N)
  Output<Buffer<float, 2>> output{"output"}; // (N, M)

  void generate() {
    Var i("i"), j("j");
    RDom k(0, K);
    Func mm("mm");
    mm(j, i) = bias(j);
    mm(j, i) += a(k, i) * b(k, j);
    output(j, i) = mm(j, i);
    a.set_estimates({{0, K}, {0, M}});
    b.set_estimates({{0, K}, {0, N}});
    bias.set_estimates({{0, N}});
    output.set_estimates({{0, N}, {0, M}});
  }
};

} // namespace

HALIDE_REGISTER_GENERATOR(ConvLayer, conv_layer)
HALIDE_REGISTER_GENERATOR(MatmulLayer, matmul_layer)
