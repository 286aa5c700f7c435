/* Sweeps one etch-compiled unary model (x[N] -> y[N], f32) over the fp32
 * range and checks it against the C library, evaluated in double and rounded:
 * |y - ref| <= max(MAX_ULP ulp(ref), ABS_TOL) everywhere, with inf/NaN where
 * the reference has them.
 *
 * Build: cc -DMODEL=<name> -DARENA_SIZE=<NAME>_ARENA_SIZE
 *        -DFN=<exp|tanh|erf|sigmoid> -DSTRIDE=<k> ulp_sweep.c
 *        <name>.o -lm. Every STRIDE-th float bit pattern (both signs, all
 * exponents, subnormals and infinities included) is evaluated; STRIDE 1 is
 * the whole range. Prints the worst error; exit 0 pass, 1 fail, 2 error. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define STR_(a) #a
#define STR(a) STR_(a)
#include STR(MODEL.h)

#ifndef MAX_ULP
#define MAX_ULP 8.0
#endif
#ifndef ABS_TOL
#define ABS_TOL 1e-7
#endif
#define N 4096

static double reference(double x) {
  if (!strcmp(STR(FN), "exp")) return exp(x);
  if (!strcmp(STR(FN), "tanh")) return tanh(x);
  if (!strcmp(STR(FN), "erf")) return erf(x);
  if (!strcmp(STR(FN), "sigmoid")) return 1.0 / (1.0 + exp(-x));
  fprintf(stderr, "ulp_sweep: unknown FN " STR(FN) "\n");
  exit(2);
}

static float from_bits(uint32_t b) {
  float f;
  memcpy(&f, &b, sizeof f);
  return f;
}

/* The spacing of floats at |r| (the smallest subnormal near 0). */
static double ulp_at(float r) {
  float a = fabsf(r);
  if (isinf(a)) return INFINITY;
  return (double)nextafterf(a, INFINITY) - (double)a;
}

static _Alignas(64) float xs[N], ys[N];
static _Alignas(64) unsigned char arena[ARENA_SIZE + 1];

int main(void) {
  const uint64_t stride = STRIDE;
  double worst_ulp = 0, worst_abs = 0;
  float worst_x = 0, worst_y = 0, worst_ref = 0;
  uint64_t checked = 0, failures = 0;
  uint64_t bits = 0;
  while (bits < (1ull << 32)) {
    int n = 0;
    for (; n < N && bits < (1ull << 32); bits += stride) {
      float x = from_bits((uint32_t)bits);
      if (isnan(x)) continue;
      xs[n++] = x;
    }
    for (int i = n; i < N; ++i) xs[i] = 0.0f;
    etch_status_t st = CAT(MODEL, _run)(xs, ys, arena);
    if (st != ETCH_OK) {
      fprintf(stderr, "ulp_sweep: run failed with status %d\n", (int)st);
      return 2;
    }
    for (int i = 0; i < n; ++i) {
      double ref = reference((double)xs[i]);
      float reff = (float)ref;
      float y = ys[i];
      int bad;
      double err_ulp = 0, err_abs = 0;
      if (isnan(reff) || isinf(reff)) {
        bad = !(isnan(reff) ? isnan(y) : (y == reff));
        err_ulp = bad ? INFINITY : 0;
      } else if (!isfinite(y)) {
        bad = 1;
        err_ulp = INFINITY;
      } else {
        err_abs = fabs((double)y - ref);
        err_ulp = err_abs / ulp_at(reff);
        bad = err_abs > MAX_ULP * ulp_at(reff) && err_abs > ABS_TOL;
      }
      ++checked;
      if (bad) {
        if (failures < 5)
          fprintf(stderr, "  x=%.9g (0x%08x): got %.9g, libm %.9g (%.1f ulp)\n",
                  xs[i], *(uint32_t *)&xs[i], y, reff, err_ulp);
        ++failures;
      }
      /* Worst in ulp among points where the absolute bound does not apply. */
      if (err_ulp > worst_ulp && (bad || err_abs > ABS_TOL)) {
        worst_ulp = err_ulp;
        worst_abs = err_abs;
        worst_x = xs[i];
        worst_y = y;
        worst_ref = reff;
      }
    }
  }
  printf("%s: %llu inputs (stride %llu), %llu outside max(%g ulp, %g); "
         "worst %.2f ulp (abs %.3g) at x=%.9g: got %.9g, libm %.9g\n",
         STR(FN), (unsigned long long)checked, (unsigned long long)stride,
         (unsigned long long)failures, MAX_ULP, ABS_TOL, worst_ulp, worst_abs,
         worst_x, worst_y, worst_ref);
  return failures ? 1 : 0;
}
