/* Runs Inputs/math.mlir compiled by etch-compile and compares each output
 * with the C library's libm (only this program links -lm; the object may
 * not need it). Prints one line per function with the worst error. */
#include "etch/etch.h" /* the model header comes in with -include */

#include <math.h>
#include <stdio.h>

#define N 64

static float out[15][N];
static _Alignas(64) unsigned char arena[MATH_MODEL_ARENA_SIZE + 1];
static const char *names[15] = {"exp",  "log",   "tanh",  "erf", "sqrt",
                                "floor", "ceil", "round", "pow", "sin",
                                "cos",  "fmod",  "trunc", "atan", "fma"};

static double reference(int f, float x) {
  double ax = fabs((double)x);
  switch (f) {
  case 0: return exp(x);
  case 1: return log(ax + 1.0);
  case 2: return tanh(x);
  case 3: return erf(x);
  case 4: return sqrt(ax);
  case 5: return floor(x);
  case 6: return ceil(x);
  case 7: return round(x);
  case 8: return pow(ax + 0.5, x);
  case 9: return sin(x);
  case 10: return cos(x);
  case 11: return fmod(x, 0.75);
  case 12: return trunc(x);
  case 13: return atan(x);
  default: return (double)x * 0.75 + 0.5;
  }
}

int main(void) {
  float x[N];
  for (int i = 0; i < N; ++i) {
    x[i] = -6.0f + 12.0f * (float)i / (N - 1); /* [-6, 6], includes +-0.5s */
  }
  x[31] = -2.5f; /* round half away from zero */
  x[32] = 0.0f;
  etch_status_t status = math_model_run(
      x, out[0], out[1], out[2], out[3], out[4], out[5], out[6], out[7],
      out[8], out[9], out[10], out[11], out[12], out[13], out[14], arena);
  printf("status=%d\n", (int)status);
  for (int f = 0; f < 15; ++f) {
    double worst = 0.0;
    for (int i = 0; i < N; ++i) {
      double ref = reference(f, x[i]);
      double err = fabs(ref - out[f][i]) / fmax(1.0, fabs(ref));
      worst = err == err ? fmax(worst, err) : 1e30;
    }
    /* float32 results: a few ulp of relative error. */
    printf("%s %s\n", names[f], worst <= 2e-6 ? "ok" : "BAD");
    if (worst > 2e-6) {
      printf("  worst relative error %g\n", worst);
    }
  }
  return 0;
}
