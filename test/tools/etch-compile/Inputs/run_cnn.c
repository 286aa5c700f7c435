/* Runs the etch-compiled cnn.onnx (Inputs/make_inputs.py), whose
 * intermediates live in the arena, against a plain C reference, and checks
 * the arena argument checks. */
#include "cnn.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static float w1(int o, int ky, int kx) {
  return (float)((o * 9 + ky * 3 + kx) % 5 - 2) / 4.0f;
}
static const float b1[4] = {0.1f, -0.2f, 0.3f, -0.4f};
static float w2(int o, int i) { return (float)((o * 4 + i) % 3 - 1) / 2.0f; }
static const float b2[2] = {0.25f, -0.5f};

/* Room for a misaligned arena pointer too. */
static _Alignas(64) unsigned char arena[CNN_ARENA_SIZE + 64];

int main(void) {
  float x[8][8], y[2][4][4], ref[2][4][4];
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 8; ++j) {
      x[i][j] = (float)((i * 8 + j) % 11) / 5.0f - 1.0f;
    }
  }
  float c1[4][8][8];
  for (int o = 0; o < 4; ++o) {
    for (int i = 0; i < 8; ++i) {
      for (int j = 0; j < 8; ++j) {
        float acc = b1[o];
        for (int ky = 0; ky < 3; ++ky) {
          for (int kx = 0; kx < 3; ++kx) {
            int yy = i + ky - 1, xx = j + kx - 1;
            if (yy >= 0 && yy < 8 && xx >= 0 && xx < 8) {
              acc += x[yy][xx] * w1(o, ky, kx);
            }
          }
        }
        c1[o][i][j] = acc > 0.0f ? acc : 0.0f;
      }
    }
  }
  for (int o = 0; o < 2; ++o) {
    for (int i = 0; i < 4; ++i) {
      for (int j = 0; j < 4; ++j) {
        float acc = b2[o];
        for (int c = 0; c < 4; ++c) {
          float m = c1[c][2 * i][2 * j];
          m = fmaxf(m, c1[c][2 * i][2 * j + 1]);
          m = fmaxf(m, c1[c][2 * i + 1][2 * j]);
          m = fmaxf(m, c1[c][2 * i + 1][2 * j + 1]);
          acc += m * w2(o, c);
        }
        ref[o][i][j] = acc;
      }
    }
  }

  printf("arena_size_positive=%d align=%d\n", CNN_ARENA_SIZE > 0,
         (int)CNN_ARENA_ALIGN);
  memset(arena, 0xFF, sizeof(arena)); /* NaN garbage: must be overwritten */
  memset(y, 0xFF, sizeof(y));
  etch_status_t status = cnn_run(&x[0][0], &y[0][0][0], arena);
  double maxErr = 0.0;
  for (int o = 0; o < 2; ++o) {
    for (int i = 0; i < 4; ++i) {
      for (int j = 0; j < 4; ++j) {
        double e = fabs(ref[o][i][j] - y[o][i][j]);
        maxErr = e == e ? fmax(maxErr, e) : 1e30;
      }
    }
  }
  printf("status=%d max_err %s %g\n", (int)status,
         maxErr < 1e-5 ? "ok" : "BAD", maxErr);

  /* Run twice into a dirty arena: same answer. */
  float y2[2][4][4];
  status = cnn_run(&x[0][0], &y2[0][0][0], arena);
  printf("rerun=%d same=%d\n", (int)status, memcmp(y, y2, sizeof(y)) == 0);

  printf("null_arena=%d\n", (int)cnn_run(&x[0][0], &y[0][0][0], NULL));
  printf("misaligned_arena=%d\n",
         (int)cnn_run(&x[0][0], &y[0][0][0], arena + 4));
  return 0;
}
