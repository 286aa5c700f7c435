// Every math op a model lowers to, at the `linalg` phase (etch-compile
// accepts .mlir input). libm-free.test checks the object needs no libm and
// run_math.c checks the approximations against libm.
#map = affine_map<(d0) -> (d0)>
func.func @main(%x: tensor<64xf32> {etch.name = "x"})
    -> (tensor<64xf32> {etch.name = "exp"}, tensor<64xf32> {etch.name = "log"},
        tensor<64xf32> {etch.name = "tanh"}, tensor<64xf32> {etch.name = "erf"},
        tensor<64xf32> {etch.name = "sqrt"}, tensor<64xf32> {etch.name = "floor"},
        tensor<64xf32> {etch.name = "ceil"}, tensor<64xf32> {etch.name = "round"},
        tensor<64xf32> {etch.name = "pow"}, tensor<64xf32> {etch.name = "sin"},
        tensor<64xf32> {etch.name = "cos"}, tensor<64xf32> {etch.name = "fmod"},
        tensor<64xf32> {etch.name = "trunc"}, tensor<64xf32> {etch.name = "atan"},
        tensor<64xf32> {etch.name = "fma"}) {
  %e = tensor.empty() : tensor<64xf32>
  %r:15 = linalg.generic {indexing_maps = [#map, #map, #map, #map, #map, #map, #map, #map, #map, #map, #map, #map, #map, #map, #map, #map],
                          iterator_types = ["parallel"]}
      ins(%x : tensor<64xf32>)
      outs(%e, %e, %e, %e, %e, %e, %e, %e, %e, %e, %e, %e, %e, %e, %e
           : tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>,
             tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>,
             tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>) {
  ^bb0(%in: f32, %o0: f32, %o1: f32, %o2: f32, %o3: f32, %o4: f32, %o5: f32, %o6: f32, %o7: f32,
       %o8: f32, %o9: f32, %o10: f32, %o11: f32, %o12: f32, %o13: f32, %o14: f32):
    %one = arith.constant 1.0 : f32
    %half = arith.constant 0.5 : f32
    %q = arith.constant 0.75 : f32
    %abs = math.absf %in : f32
    %abs1 = arith.addf %abs, %one : f32
    %exp = math.exp %in : f32
    %log = math.log %abs1 : f32
    %tanh = math.tanh %in : f32
    %erf = math.erf %in : f32
    %sqrt = math.sqrt %abs : f32
    %floor = math.floor %in : f32
    %ceil = math.ceil %in : f32
    %round = math.round %in : f32
    %base = arith.addf %abs, %half : f32
    %pow = math.powf %base, %in : f32
    %sin = math.sin %in : f32
    %cos = math.cos %in : f32
    %fmod = arith.remf %in, %q : f32
    %trunc = math.trunc %in : f32
    %atan = math.atan %in : f32
    %fma = math.fma %in, %q, %half : f32
    linalg.yield %exp, %log, %tanh, %erf, %sqrt, %floor, %ceil, %round, %pow, %sin, %cos, %fmod, %trunc, %atan, %fma
        : f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32
  } -> (tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>,
        tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>,
        tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>)
  return %r#0, %r#1, %r#2, %r#3, %r#4, %r#5, %r#6, %r#7, %r#8, %r#9, %r#10, %r#11, %r#12, %r#13, %r#14
      : tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>,
        tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>,
        tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>
}
