/* Per-layer profile support for objects compiled with `etch-compile
 * --profile`: the clock and a registry of the profiled models. Hosts only
 * (needs clock_gettime); not built for bare-metal targets. */
#define _POSIX_C_SOURCE 199309L
#include "etch/etch.h"

#include <string.h>
#include <time.h>

static etch_profile_t *g_profiles;

uint64_t etch_profile_now_ns(void) {
  struct timespec t;
  if (clock_gettime(CLOCK_MONOTONIC, &t) != 0) {
    return 0;
  }
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void register_profile(etch_profile_t *p) {
  int32_t expected = 0;
  if (!__atomic_compare_exchange_n(&p->registered, &expected, 1, 0,
                                   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
    return;
  }
  etch_profile_t *head = __atomic_load_n(&g_profiles, __ATOMIC_ACQUIRE);
  do {
    p->next = head;
  } while (!__atomic_compare_exchange_n(&g_profiles, &head, p, 1,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
}

void etch_profile_begin(etch_profile_t *p) {
  if (!p) {
    return;
  }
  if (!__atomic_load_n(&p->registered, __ATOMIC_ACQUIRE)) {
    register_profile(p);
  }
  p->start_ns = p->last_ns = etch_profile_now_ns();
}

void etch_profile_mark(etch_profile_t *p, int32_t layer) {
  if (!p) {
    return;
  }
  uint64_t now = etch_profile_now_ns();
  if (layer >= 0 && layer < p->num_layers) {
    p->layer_ns[layer] += now - p->last_ns;
  }
  p->last_ns = now;
}

void etch_profile_end(etch_profile_t *p) {
  if (!p) {
    return;
  }
  p->total_ns += etch_profile_now_ns() - p->start_ns;
  p->runs += 1;
}

etch_profile_t *etch_profile_find(const char *model) {
  if (!model) {
    return NULL;
  }
  for (etch_profile_t *p = __atomic_load_n(&g_profiles, __ATOMIC_ACQUIRE); p;
       p = p->next) {
    if (p->model && strcmp(p->model, model) == 0) {
      return p;
    }
  }
  return NULL;
}

void etch_profile_reset(etch_profile_t *p) {
  if (!p) {
    return;
  }
  for (int32_t i = 0; i < p->num_layers; ++i) {
    p->layer_ns[i] = 0;
  }
  p->runs = 0;
  p->total_ns = 0;
}
