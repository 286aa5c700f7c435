// RUN: etch-opt --split-input-file --verify-diagnostics %s

// expected-error @+1 {{schedule tile level 1 has 2 entries, expected 3 (one per loop)}}
func.func @mismatched_levels() attributes {etch.schedule = #etch.schedule<kind = matmul, tile = [[8, 8, 0], [4, 4]]>} {
  return
}

// -----

// expected-error @+1 {{schedule tile level 0 entries must be >= 0, got -4}}
func.func @negative() attributes {etch.schedule = #etch.schedule<kind = matmul, tile = [[-4, 8, 0]]>} {
  return
}

// -----

// expected-error @+1 {{schedule loop 2 is tiled at both level 1 and level 2}}
func.func @both_levels() attributes {etch.schedule = #etch.schedule<kind = matmul, tile = [[0, 0, 0], [4, 8, 2], [0, 0, 2]]>} {
  return
}

// -----

// expected-error @+1 {{schedule vector size 4 of loop 1 is smaller than its tile 8}}
func.func @small_vector() attributes {etch.schedule = #etch.schedule<kind = matmul, tile = [[0, 0, 0], [4, 8, 0]], vector = [4, 4, 1]>} {
  return
}

// -----

// expected-error @+1 {{schedule interchange is not a permutation}}
func.func @bad_interchange() attributes {etch.schedule = #etch.schedule<kind = matmul, tile = [[4, 8, 0]], interchange = [0, 0, 1]>} {
  return
}

// -----

// expected-error @+1 {{schedule parallel dims must be increasing loop indices below the number of loops}}
func.func @bad_parallel() attributes {etch.schedule = #etch.schedule<kind = matmul, tile = [[4, 8, 0]], parallel = [1, 0]>} {
  return
}

// -----

// expected-error @+1 {{unknown schedule kind 'gemm'}}
func.func @bad_kind() attributes {etch.schedule = #etch.schedule<kind = gemm>} {
  return
}

// -----

// expected-error @+1 {{unknown schedule field 'tiles'}}
func.func @bad_field() attributes {etch.schedule = #etch.schedule<kind = matmul, tiles = [[1]]>} {
  return
}

// -----

// expected-error @+1 {{at most 3 tile levels, got 4}}
func.func @too_many_levels() attributes {etch.schedule = #etch.schedule<kind = matmul, tile = [[1], [1], [1], [1]]>} {
  return
}

// -----

// expected-error @+1 {{schedule of kind 'none' takes no tile sizes}}
func.func @none_with_tiles() attributes {etch.schedule = #etch.schedule<kind = none, tile = [[1]]>} {
  return
}
