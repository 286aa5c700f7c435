// Times one autoscheduled anchor layer: inputs shaped from the pipeline's
// own buffer estimates are not available at run time, so the shapes come
// from argv (the Python driver passes them from ../layers.py).
//   bench_<layer>_<sched> conv C H W F K stride pad depthwise | matmul M K N
// Prints "us <median>" over runs of at least 20 ms each.
#include LAYER_HEADER
#include "HalideBuffer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

using Halide::Runtime::Buffer;

template <typename F> double median_us(F run) {
  using clock = std::chrono::steady_clock;
  run(); // warm-up
  std::vector<double> samples;
  for (int rep = 0; rep < 10; ++rep) {
    int n = 0;
    auto t0 = clock::now();
    double dt = 0;
    do {
      run();
      ++n;
      dt = std::chrono::duration<double, std::micro>(clock::now() - t0).count();
    } while (dt < 20000);
    samples.push_back(dt / n);
  }
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

template <typename T> void fill(Buffer<T> &b) {
  std::mt19937 rng(0);
  std::uniform_real_distribution<float> u(-1, 1);
  b.for_each_value([&](T &v) { v = u(rng); });
}

int main(int argc, char **argv) {
  if (argc >= 10 && !strcmp(argv[1], "conv")) {
    int C = atoi(argv[2]), H = atoi(argv[3]), W = atoi(argv[4]), F = atoi(argv[5]);
    int K = atoi(argv[6]), s = atoi(argv[7]), pad = atoi(argv[8]), dw = atoi(argv[9]);
    int oh = (H + 2 * pad - K) / s + 1, ow = (W + 2 * pad - K) / s + 1;
    Buffer<float> in(W + 2 * pad, H + 2 * pad, C, 1), w(K, K, dw ? 1 : C, F), b(F);
    Buffer<float> out(ow, oh, F, 1);
    fill(in), fill(w), fill(b);
    printf("us %.3f\n", median_us([&] { LAYER_FN(in, w, b, out); }));
    return 0;
  }
  if (argc >= 5 && !strcmp(argv[1], "matmul")) {
    int M = atoi(argv[2]), K = atoi(argv[3]), N = atoi(argv[4]);
    Buffer<float> a(K, M), w(K, N), b(N), out(N, M);
    fill(a), fill(w), fill(b);
    printf("us %.3f\n", median_us([&] { LAYER_FN(a, w, b, out); }));
    return 0;
  }
  fprintf(stderr, "usage: %s conv C H W F K stride pad depthwise | matmul M K N\n", argv[0]);
  return 2;
}
