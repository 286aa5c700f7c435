// bf16 conversions and arithmetic at the `linalg` phase (etch-compile accepts
// .mlir input). bf16-no-helpers.test checks the object calls no bf16 helper
// and run_bf16.c checks the rounding bit for bit.
#map = affine_map<(d0) -> (d0)>
func.func @main(%x: tensor<40xf32> {etch.name = "x"},
                %b: tensor<40xbf16> {etch.name = "b"})
    -> (tensor<40xbf16> {etch.name = "rounded"},
        tensor<40xbf16> {etch.name = "arith"},
        tensor<40xf32> {etch.name = "widened"}) {
  %e16 = tensor.empty() : tensor<40xbf16>
  %e32 = tensor.empty() : tensor<40xf32>
  %r:3 = linalg.generic {indexing_maps = [#map, #map, #map, #map, #map],
                         iterator_types = ["parallel"]}
      ins(%x, %b : tensor<40xf32>, tensor<40xbf16>)
      outs(%e16, %e16, %e32 : tensor<40xbf16>, tensor<40xbf16>, tensor<40xf32>) {
  ^bb0(%xi: f32, %bi: bf16, %o0: bf16, %o1: bf16, %o2: f32):
    %t = arith.truncf %xi : f32 to bf16
    // (b * b + b) / 3, max with 0: in f32 (the ops allow contraction), one
    // rounding at the store.
    %three = arith.constant 3.0 : bf16
    %zero = arith.constant 0.0 : bf16
    %sq = arith.mulf %bi, %bi : bf16
    %s = arith.addf %sq, %bi : bf16
    %d = arith.divf %s, %three : bf16
    %m = arith.maximumf %d, %zero : bf16
    %w = arith.extf %bi : bf16 to f32
    linalg.yield %t, %m, %w : bf16, bf16, f32
  } -> (tensor<40xbf16>, tensor<40xbf16>, tensor<40xf32>)
  return %r#0, %r#1, %r#2 : tensor<40xbf16>, tensor<40xbf16>, tensor<40xf32>
}
