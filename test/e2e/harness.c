/* Generic e2e driver for one etch-compiled model object.
 *
 *   cc -std=c11 -O2 -I<runtime>/include -I<dir> -DETCH_MODEL_SYM=<name>_model \
 *      harness.c <runtime>/src/status.c <dir>/<name>.o -o run
 *   ./run [--check-args] in0.bin in1.bin ... -- out0.bin out1.bin ...
 *
 * Inputs and outputs are raw little-endian dense tensors in ONNX graph order;
 * each file's size must match the model's tensor descriptor. The arena is
 * filled with 0xFF bytes (a float NaN) before the run, so reading memory the
 * model never wrote shows up in the outputs; the outputs are poisoned the same
 * way. A guard region after the arena and a copy of every input catch writes
 * out of bounds. --check-args additionally calls model->run with bad arguments
 * and requires the statuses DESIGN.md promises. Exits 0 only if everything
 * returned ETCH_OK and no check failed.
 *
 * Optional, to check the generated header against the descriptor:
 *   -DETCH_MODEL_HEADER='"<name>.h"' -DETCH_MODEL_ARENA_SIZE=<NAME>_ARENA_SIZE
 *   -DETCH_MODEL_ARENA_ALIGN=<NAME>_ARENA_ALIGN
 *   -D'ETCH_TYPED_CALL(i,o,a)=<name>_run((const float *)i[0],...,(float *)o[0],...,a)'
 * The typed wrapper then runs too, on fresh poisoned buffers, and must write
 * the same bytes as the run through the descriptor.
 *
 * Links with nothing but the C library (status.c is compiled in for
 * etch_status_string/etch_model_run); no -lm. */
#include "etch/etch.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef ETCH_MODEL_HEADER
#include ETCH_MODEL_HEADER
#endif

#ifndef ETCH_MODEL_SYM
#error "compile with -DETCH_MODEL_SYM=<name>_model"
#endif

extern const etch_model_t ETCH_MODEL_SYM;

/* Boards with little RAM (microbit: 16 KiB) build with a smaller guard. */
#ifndef GUARD_BYTES
#define GUARD_BYTES 4096
#endif
#define GUARD_BYTE 0xA5
#define POISON_BYTE 0xFF

static const char *prog = "harness";

static void fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "%s: error: ", prog);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

static size_t tensor_bytes(const etch_tensor_desc_t *t) {
  size_t bits = etch_dtype_bits(t->dtype); /* sub-byte dtypes are packed */
  if (bits == 0) {
    fail("tensor '%s' has unknown dtype %d", t->name, (int)t->dtype);
  }
  size_t count = 1;
  for (int32_t d = 0; d < t->rank; ++d) {
    if (t->shape[d] < 0) {
      fail("tensor '%s' has a dynamic dim %d", t->name, (int)d);
    }
    count *= (size_t)t->shape[d];
  }
  return (count * bits + 7) / 8;
}

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    fail("out of memory (%zu bytes)", n);
  }
  return p;
}

static void *read_file(const char *path, size_t expected, const char *name) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fail("cannot open input '%s'", path);
  }
  void *buf = xmalloc(expected);
  size_t got = fread(buf, 1, expected, f);
  int extra = fgetc(f);
  fclose(f);
  if (got != expected || extra != EOF) {
    fail("input '%s' for tensor '%s' must be %zu bytes", path, name,
         expected);
  }
  return buf;
}

static void write_file(const char *path, const void *data, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
    fail("cannot write output '%s' (%zu bytes)", path, n);
  }
}

static int expect_status(const char *what, etch_status_t got,
                         etch_status_t want) {
  if (got == want) {
    return 0;
  }
  fprintf(stderr, "%s: error: model->run with %s returned %s, expected %s\n",
          prog, what, etch_status_string(got), etch_status_string(want));
  return 1;
}

/* DESIGN.md: run checks its arguments (null, alignment) and never aborts. */
static int check_args(const etch_model_t *m, const void *const *ins,
                      void *const *outs, unsigned char *arena) {
  int bad = 0;
  if (m->num_inputs > 0) {
    bad += expect_status("inputs=NULL", m->run(NULL, outs, arena),
                         ETCH_ERR_INVALID_ARGUMENT);
  }
  if (m->num_outputs > 0) {
    bad += expect_status("outputs=NULL", m->run(ins, NULL, arena),
                         ETCH_ERR_INVALID_ARGUMENT);
  }
  if (m->arena_size > 0) {
    bad += expect_status("arena=NULL", m->run(ins, outs, NULL),
                         ETCH_ERR_INVALID_ARGUMENT);
    if (m->arena_align > 1) {
      bad += expect_status("a misaligned arena", m->run(ins, outs, arena + 1),
                           ETCH_ERR_ARENA_UNALIGNED);
    }
    bad += expect_status("a too-small arena (etch_model_run_sized)",
                         etch_model_run_sized(m, ins, outs, arena,
                                              m->arena_size - 1),
                         ETCH_ERR_ARENA_TOO_SMALL);
  }
  /* A NULL entry in the arrays, each position: the last input, the last
   * output (through run and, where compiled in, the typed wrapper). */
  const void **nulled_ins = xmalloc(sizeof(void *) * (size_t)(m->num_inputs + 1));
  void **nulled_outs = xmalloc(sizeof(void *) * (size_t)(m->num_outputs + 1));
  memcpy(nulled_ins, ins, sizeof(void *) * (size_t)m->num_inputs);
  memcpy(nulled_outs, outs, sizeof(void *) * (size_t)m->num_outputs);
  if (m->num_inputs > 0) {
    nulled_ins[m->num_inputs - 1] = NULL;
    bad += expect_status("inputs[last]=NULL", m->run(nulled_ins, outs, arena),
                         ETCH_ERR_INVALID_ARGUMENT);
#ifdef ETCH_TYPED_CALL
    bad += expect_status("typed wrapper, last input NULL",
                         ETCH_TYPED_CALL(nulled_ins, outs, arena),
                         ETCH_ERR_INVALID_ARGUMENT);
#endif
    nulled_ins[m->num_inputs - 1] = ins[m->num_inputs - 1];
  }
  if (m->num_outputs > 0) {
    nulled_outs[m->num_outputs - 1] = NULL;
    bad += expect_status("outputs[last]=NULL", m->run(ins, nulled_outs, arena),
                         ETCH_ERR_INVALID_ARGUMENT);
#ifdef ETCH_TYPED_CALL
    bad += expect_status("typed wrapper, last output NULL",
                         ETCH_TYPED_CALL(ins, nulled_outs, arena),
                         ETCH_ERR_INVALID_ARGUMENT);
#endif
  }
#ifdef ETCH_TYPED_CALL
  if (m->arena_size > 0) {
    bad += expect_status("typed wrapper, arena=NULL",
                         ETCH_TYPED_CALL(ins, outs, NULL),
                         ETCH_ERR_INVALID_ARGUMENT);
  }
#endif
  free(nulled_ins);
  free(nulled_outs);
  return bad;
}

#ifdef ETCH_TYPED_CALL
/* Runs the header's typed <name>_run on fresh poisoned outputs and arena;
 * it must produce the same bytes as the descriptor's run. */
static int check_typed_wrapper(const etch_model_t *m, const void **ins,
                               void *const *outs, const size_t *out_bytes,
                               unsigned char *arena) {
  void **typed = xmalloc(sizeof(void *) * (size_t)(m->num_outputs + 1));
  for (int i = 0; i < m->num_outputs; ++i) {
    typed[i] = xmalloc(out_bytes[i]);
    memset(typed[i], POISON_BYTE, out_bytes[i]);
  }
  memset(arena, POISON_BYTE, m->arena_size);
  etch_status_t st = ETCH_TYPED_CALL(ins, typed, arena);
  if (st != ETCH_OK) {
    fprintf(stderr, "%s: error: typed wrapper returned %s\n", prog,
            etch_status_string(st));
    return 1;
  }
  int bad = 0;
  for (int i = 0; i < m->num_outputs; ++i) {
    if (memcmp(typed[i], outs[i], out_bytes[i]) != 0) {
      fprintf(stderr,
              "%s: error: typed wrapper wrote different bytes to output '%s'\n",
              prog, m->outputs[i].name);
      bad = 1;
    }
  }
  return bad;
}
#endif

int main(int argc, char **argv) {
  const etch_model_t *m = &ETCH_MODEL_SYM;
  prog = argv[0];
  int check = 0, first = 1;
  if (argc > 1 && strcmp(argv[1], "--check-args") == 0) {
    check = 1;
    first = 2;
  }
  int sep = -1;
  for (int i = first; i < argc; ++i) {
    if (strcmp(argv[i], "--") == 0) {
      sep = i;
      break;
    }
  }
  if (sep < 0) {
    fprintf(stderr, "usage: %s [--check-args] in.bin... -- out.bin...\n", prog);
    return 2;
  }
  if (m->abi_version != ETCH_ABI_VERSION) {
    fail("model '%s' has ABI version %u, harness expects %d", m->name,
         (unsigned)m->abi_version, ETCH_ABI_VERSION);
  }
  if (m->max_threads < 1) {
    fail("model '%s' has max_threads %d, expected >= 1", m->name,
         (int)m->max_threads);
  }
  int nin = sep - first, nout = argc - sep - 1;
  if (nin != m->num_inputs || nout != m->num_outputs) {
    fprintf(stderr,
            "%s: error: model '%s' has %d inputs and %d outputs; got %d input "
            "and %d output files\n",
            prog, m->name, m->num_inputs, m->num_outputs, nin, nout);
    return 2;
  }

  const void **ins = xmalloc(sizeof(void *) * (size_t)(nin + 1));
  void **in_copies = xmalloc(sizeof(void *) * (size_t)(nin + 1));
  size_t *in_bytes = xmalloc(sizeof(size_t) * (size_t)(nin + 1));
  for (int i = 0; i < nin; ++i) {
    in_bytes[i] = tensor_bytes(&m->inputs[i]);
    ins[i] = read_file(argv[first + i], in_bytes[i], m->inputs[i].name);
    in_copies[i] = xmalloc(in_bytes[i]);
    memcpy(in_copies[i], ins[i], in_bytes[i]);
  }
  /* ETCH_NO_POISON=1 (under valgrind): the arena and the outputs stay
   * undefined, so memcheck reports every byte the model reads before it
   * writes it, and every output byte it never writes (when the output is
   * written to its file). */
  const char *no_poison = getenv("ETCH_NO_POISON");
  int poison = !(no_poison && strcmp(no_poison, "1") == 0);
  void **outs = xmalloc(sizeof(void *) * (size_t)(nout + 1));
  size_t *out_bytes = xmalloc(sizeof(size_t) * (size_t)(nout + 1));
  for (int i = 0; i < nout; ++i) {
    out_bytes[i] = tensor_bytes(&m->outputs[i]);
    outs[i] = xmalloc(out_bytes[i]);
    if (poison) {
      memset(outs[i], POISON_BYTE, out_bytes[i]);
    }
  }

  size_t align = m->arena_align > 0 ? m->arena_align : 1;
  if (align < sizeof(void *)) {
    align = sizeof(void *);
  }
  if (align & (align - 1)) {
    fail("model '%s' has arena_align %zu, not a power of two", m->name,
         m->arena_align);
  }
  size_t total = m->arena_size + GUARD_BYTES;
  total = (total + align - 1) / align * align; /* aligned_alloc wants this */
  unsigned char *arena = aligned_alloc(align, total);
  if (!arena) {
    fail("cannot allocate an arena of %zu bytes", total);
  }
  if (poison) {
    memset(arena, POISON_BYTE, m->arena_size);
  }
  memset(arena + m->arena_size, GUARD_BYTE, total - m->arena_size);

#ifdef ETCH_MODEL_ARENA_SIZE
  if ((size_t)ETCH_MODEL_ARENA_SIZE != m->arena_size ||
      (size_t)ETCH_MODEL_ARENA_ALIGN != m->arena_align) {
    fail("header says arena %zu bytes aligned to %zu, descriptor says %zu/%zu",
         (size_t)ETCH_MODEL_ARENA_SIZE, (size_t)ETCH_MODEL_ARENA_ALIGN,
         m->arena_size, m->arena_align);
  }
#endif

  int bad = check ? check_args(m, ins, outs, arena) : 0;

  etch_status_t st = etch_model_run(m, ins, outs, arena);
  if (st != ETCH_OK) {
    fprintf(stderr, "%s: error: model '%s' returned %s (%d)\n", prog, m->name,
            etch_status_string(st), (int)st);
    return 1;
  }
  for (size_t i = m->arena_size; i < total; ++i) {
    if (arena[i] != GUARD_BYTE) {
      fprintf(stderr,
              "%s: error: model '%s' wrote past its arena (byte %zu of an "
              "arena of %zu)\n",
              prog, m->name, i, m->arena_size);
      bad = 1;
      break;
    }
  }
  for (int i = 0; i < nin; ++i) {
    if (memcmp(ins[i], in_copies[i], in_bytes[i]) != 0) {
      fprintf(stderr, "%s: error: model '%s' modified input '%s'\n", prog,
              m->name, m->inputs[i].name);
      bad = 1;
    }
  }
#ifdef ETCH_TYPED_CALL
  bad |= check_typed_wrapper(m, ins, (void *const *)outs, out_bytes, arena);
#endif
  for (int i = 0; i < nout; ++i) {
    write_file(argv[sep + 1 + i], outs[i], out_bytes[i]);
  }
  return bad ? 1 : 0;
}
