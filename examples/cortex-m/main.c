/* Keyword-spotting firmware: runs the etch-compiled DS-CNN (kws.onnx: 49
 * frames x 10 MFCCs in, 12 class probabilities out) on one feature frame and
 * prints the probabilities and the top class over semihosting. The weights
 * are constants in the model object (flash); the arena is a static buffer
 * whose size the generated kws.h states. No heap, no OS, no libm.
 *
 * The features are a fixed pseudo-random pattern (feature() below) so a host
 * can recompute them bit for bit and check the printed outputs against ONNX
 * Runtime (test/e2e/test_embedded.py does). Exits 0 if the run succeeded and
 * the probabilities sum to 1. */
#include "kws.h"

#include <stdint.h>
#include <stdio.h>

#define NUM_FEATURES (49 * 10)
#define NUM_CLASSES 12

/* +1: a model without intermediates has a zero-byte arena. */
static _Alignas(KWS_ARENA_ALIGN) unsigned char arena[KWS_ARENA_SIZE + 1];
static float features[NUM_FEATURES];
static float probs[NUM_CLASSES];

/* LCG (Numerical Recipes), 24 high bits as a float in [-1, 1): exact in
 * float32, so numpy reproduces it. */
static void make_features(void) {
  uint32_t state = 12345u;
  for (int i = 0; i < NUM_FEATURES; ++i) {
    state = state * 1664525u + 1013904223u;
    features[i] = (float)((int32_t)(state >> 8) - (1 << 23)) / (float)(1 << 23);
  }
}

int main(void) {
  make_features();
  etch_status_t st = kws_run(features, probs, arena);
  if (st != ETCH_OK) {
    printf("kws_run failed with status %d\n", (int)st);
    return 1;
  }
  int best = 0;
  float sum = 0.0f;
  for (int i = 0; i < NUM_CLASSES; ++i) {
    union {
      float f;
      uint32_t u;
    } bits = {probs[i]};
    printf("probs[%d] = %.6f bits=0x%08lx\n", i, (double)probs[i],
           (unsigned long)bits.u);
    sum += probs[i];
    if (probs[i] > probs[best]) {
      best = i;
    }
  }
  printf("top class: %d (p=%.3f), %u-byte arena\n", best, (double)probs[best],
         (unsigned)KWS_ARENA_SIZE);
  return sum > 0.999f && sum < 1.001f ? 0 : 1;
}
