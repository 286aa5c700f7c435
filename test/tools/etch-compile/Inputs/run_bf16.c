/* Runs Inputs/bf16.mlir compiled by etch-compile and checks each bf16 result
 * bit for bit against a reference rounding (round to nearest, ties to even;
 * NaN stays NaN). Prints one line per output. */
#include "etch/etch.h" /* the model header comes in with -include */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N 40

static _Alignas(64) unsigned char arena[BF16_MODEL_ARENA_SIZE + 1];

static uint32_t bitsOf(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}
static float fromBits(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}
static int isNan16(uint16_t h) { return (h & 0x7f80) == 0x7f80 && (h & 0x7f); }
static uint16_t round16(float f) {
  uint32_t u = bitsOf(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) {
    return 0x7fc0;
  }
  return (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}
static float widen(uint16_t h) { return fromBits((uint32_t)h << 16); }
static int same16(uint16_t a, uint16_t b) {
  return a == b || (isNan16(a) && isNan16(b));
}

int main(void) {
  float x[N];
  uint16_t b[N], rounded[N], arith[N];
  float widened[N];
  /* Halfway cases both ways, values just above/below halfway, signed zero,
   * infinities, NaN, the largest float (rounds to inf), subnormals. */
  uint32_t special[] = {0x3f808000u, 0x3f818000u, 0x3f808001u, 0x3f807fffu,
                        0x80000000u, 0x7f800000u, 0xff800000u, 0x7fc00000u,
                        0x7f800001u, 0x7f7fffffu, 0x00018000u, 0x80008000u};
  int ns = (int)(sizeof special / sizeof special[0]);
  for (int i = 0; i < N; ++i) {
    x[i] = i < ns ? fromBits(special[i]) : -7.3f + 0.37f * (float)i;
    b[i] = round16(-3.1f + 0.17f * (float)i);
  }
  b[5] = 0x7fc0; /* NaN through the arithmetic */
  etch_status_t status = bf16_model_run(x, b, rounded, arith, widened, arena);
  printf("status=%d\n", (int)status);
  int bad = 0;
  for (int i = 0; i < N; ++i) {
    if (!same16(rounded[i], round16(x[i]))) {
      printf("rounded[%d]: got 0x%04x for 0x%08x, want 0x%04x\n", i,
             rounded[i], bitsOf(x[i]), round16(x[i]));
      ++bad;
    }
    float bf = widen(b[i]);
    /* etch's float ops allow contraction: the fused chain computes in f32
     * and rounds once, when it stores the result. */
    float d = (bf * bf + bf) / 3.0f;
    uint16_t want = round16(d != d ? d : (d > 0.0f ? d : 0.0f));
    if (!same16(arith[i], want)) {
      printf("arith[%d]: got 0x%04x, want 0x%04x\n", i, arith[i], want);
      ++bad;
    }
    if (bitsOf(widened[i]) != bitsOf(widen(b[i]))) {
      printf("widened[%d]: got 0x%08x\n", i, bitsOf(widened[i]));
      ++bad;
    }
  }
  printf(bad ? "bf16 mismatches: %d\n" : "bf16 ok\n", bad);
  return bad != 0;
}
