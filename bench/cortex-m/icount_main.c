/* Runs a model ETCH_RUNS times on zero inputs and exits: bench/footprint.py
 * links it for Cortex-M and counts the instructions QEMU executes with
 * qemu_insn_count.c; the difference between ETCH_RUNS=2 and ETCH_RUNS=1 is
 * the instruction count of one inference, without startup and exit. */
#include <stdlib.h>
#include <string.h>

#include "etch/etch.h"

extern const etch_model_t ETCH_MODEL_SYM;

static void *zeroed(const etch_tensor_desc_t *t) {
  size_t count = 1;
  for (int32_t d = 0; d < t->rank; ++d) {
    count *= (size_t)t->shape[d];
  }
  size_t bytes = (count * etch_dtype_bits(t->dtype) + 7) / 8;
  void *p = calloc(bytes ? bytes : 1, 1);
  if (!p) {
    exit(3);
  }
  return p;
}

int main(void) {
  const etch_model_t *m = &ETCH_MODEL_SYM;
  const void *ins[16];
  void *outs[16];
  if (m->num_inputs > 16 || m->num_outputs > 16) {
    return 2;
  }
  for (int i = 0; i < m->num_inputs; ++i) {
    ins[i] = zeroed(&m->inputs[i]);
  }
  for (int i = 0; i < m->num_outputs; ++i) {
    outs[i] = zeroed(&m->outputs[i]);
  }
  size_t align = m->arena_align > 8 ? m->arena_align : 8;
  void *arena = aligned_alloc(align, (m->arena_size + align - 1) / align * align);
  if (!arena) {
    return 3;
  }
  for (int r = 0; r < ETCH_RUNS; ++r) {
    if (etch_model_run(m, ins, outs, arena) != ETCH_OK) {
      return 1;
    }
  }
  return 0;
}
