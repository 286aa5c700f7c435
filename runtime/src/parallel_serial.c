/* Serial etch_parallel_for: weak definitions, so that a program linking
 * libetch_runtime_threads.a before libetch_runtime.a gets the thread pool's
 * strong ones, and any other program (bare-metal, single-threaded) still links.
 * Needs no threads, no OS and no C library. */
#include "etch/etch.h"

#if defined(__GNUC__) || defined(__clang__)
#define ETCH_WEAK __attribute__((weak))
#else
#define ETCH_WEAK
#endif

ETCH_WEAK void etch_parallel_for(int64_t n,
                                 void (*fn)(void *ctx, int64_t begin,
                                            int64_t end),
                                 void *ctx) {
  if (n > 0 && fn) {
    fn(ctx, 0, n);
  }
}

ETCH_WEAK void etch_parallel_for_tid(int64_t n,
                                     void (*fn)(void *ctx, int64_t begin,
                                                int64_t end, int32_t tid),
                                     void *ctx, int32_t max_threads) {
  (void)max_threads;
  if (n > 0 && fn) {
    fn(ctx, 0, n, 0);
  }
}

ETCH_WEAK void etch_set_num_threads(int n) { (void)n; }

ETCH_WEAK int etch_get_num_threads(void) { return 1; }
