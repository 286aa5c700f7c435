/* Runs the etch-compiled mlp.onnx (Inputs/make_inputs.py) and checks it
 * against the same network computed here in plain C. */
#include "mlp.h"

#include <math.h>
#include <stdio.h>

static float w1(int i, int j) { return (float)((i * 8 + j) % 7 - 3) / 4.0f; }
static float b1(int j) { return (float)(j - 4) / 8.0f; }
static float w2(int i, int j) { return (float)((i * 3 + j) % 5 - 2) / 3.0f; }
static const float b2[3] = {0.5f, -0.25f, 0.125f};

int main(void) {
  float x[2][4], logits[2][3], dbl[2][4];
  for (int r = 0; r < 2; ++r) {
    for (int c = 0; c < 4; ++c) {
      x[r][c] = (float)(r * 4 + c) / 3.0f - 1.0f;
    }
  }
  etch_status_t status = mlp_run(&x[0][0], &logits[0][0], &dbl[0][0], NULL);
  printf("status=%d arena_size=%d\n", (int)status, (int)MLP_ARENA_SIZE);

  double maxErr = 0.0;
  for (int r = 0; r < 2; ++r) {
    float h[8], sum = 0.0f, maxH = -1e30f;
    for (int j = 0; j < 8; ++j) {
      float acc = b1(j);
      for (int k = 0; k < 4; ++k) {
        acc += x[r][k] * w1(k, j);
      }
      h[j] = acc > 0.0f ? acc : 0.0f;
      maxH = h[j] > maxH ? h[j] : maxH;
    }
    for (int j = 0; j < 8; ++j) {
      h[j] = expf(h[j] - maxH);
      sum += h[j];
    }
    for (int c = 0; c < 3; ++c) {
      float acc = b2[c];
      for (int j = 0; j < 8; ++j) {
        acc += h[j] / sum * w2(j, c);
      }
      maxErr = fmax(maxErr, fabs(acc - logits[r][c]));
    }
    for (int c = 0; c < 4; ++c) {
      maxErr = fmax(maxErr, fabs(2.0f * x[r][c] - dbl[r][c]));
    }
  }
  printf("max_err %s %g\n", maxErr < 1e-5 ? "ok" : "BAD", maxErr);

  /* The descriptor tables and the checked entry point. */
  printf("model %s abi=%u inputs=%d outputs=%d max_threads=%d\n",
         mlp_model.name, mlp_model.abi_version, mlp_model.num_inputs,
         mlp_model.num_outputs, (int)mlp_model.max_threads);
  printf("input0 %s dtype=%d rank=%d shape=%dx%d\n", mlp_model.inputs[0].name,
         (int)mlp_model.inputs[0].dtype, mlp_model.inputs[0].rank,
         (int)mlp_model.inputs[0].shape[0], (int)mlp_model.inputs[0].shape[1]);
  printf("output1 %s rank=%d\n", mlp_model.outputs[1].name,
         mlp_model.outputs[1].rank);
  const void *ins[1] = {x};
  void *outs[2] = {logits, dbl};
  void *noOut[2] = {logits, NULL};
  printf("run=%d\n", (int)mlp_model.run(ins, outs, NULL));
  printf("null_inputs=%d\n", (int)mlp_model.run(NULL, outs, NULL));
  printf("null_output=%d\n", (int)mlp_model.run(ins, noOut, NULL));
  return 0;
}
