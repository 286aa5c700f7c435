/* Thread-pool etch_parallel_for(_tid) for POSIX targets
 * (libetch_runtime_threads.a).
 * Strong definitions override the weak serial ones in parallel_serial.c.
 *
 * One process-wide pool of (threads - 1) workers, started on first use; the
 * calling thread works too. Each participating thread owns one contiguous
 * block of the range (thread t the t-th of equal blocks) and runs it front to
 * back in chunks; a thread done with its block takes chunks from the others'
 * (work stealing), so uneven ranges still balance. Owning the same block in
 * every layer keeps a thread on the part of the feature maps it wrote in the
 * layer before (its own core's caches) instead of a random one. No malloc:
 * worker handles live in a static array.
 *
 * Between jobs, workers spin on the job generation for a while before they
 * sleep on a condition variable, and the caller spins on the count of
 * unfinished workers before it sleeps: a model posts one job per layer, and
 * a futex wake-up per layer and thread (tens of microseconds on a VM) would
 * cost more than small layers take. ETCH_SPIN (iterations of a pause loop,
 * default 20000, about 1 ms on x86-64; 0: sleep at once) sets how long. */
#define _POSIX_C_SOURCE 200809L
#include "etch/etch.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define ETCH_MAX_THREADS 256
/* Chunks per participating thread: enough to balance uneven work, few enough
 * that the atomic counter stays cold. */
#define ETCH_CHUNKS_PER_THREAD 4
#define ETCH_DEFAULT_SPIN 20000

typedef void (*etch_range_fn_t)(void *ctx, int64_t begin, int64_t end);
typedef void (*etch_range_tid_fn_t)(void *ctx, int64_t begin, int64_t end,
                                    int32_t tid);

static struct {
  /* Held for a whole parallel_for: one job in flight at a time. */
  pthread_mutex_t call_lock;
  /* Guards the fields below except `next` and `threads`. */
  pthread_mutex_t lock;
  pthread_cond_t work_cv, done_cv;
  pthread_t workers[ETCH_MAX_THREADS - 1];
  int num_workers;
  atomic_int shutdown;
  /* Bumped once per job (release, under `lock`): the job's fields below are
   * written before it and read after an acquire load of it. */
  atomic_uint_fast64_t generation;
  atomic_int pending; /* workers yet to finish the current job */
  int active;         /* threads taking part in it (caller included) */
  etch_range_tid_fn_t fn;
  void *ctx;
  int64_t chunk; /* indices per hand-out */
  atomic_int threads; /* 0: not resolved yet */
} pool = {.call_lock = PTHREAD_MUTEX_INITIALIZER,
          .lock = PTHREAD_MUTEX_INITIALIZER,
          .work_cv = PTHREAD_COND_INITIALIZER,
          .done_cv = PTHREAD_COND_INITIALIZER};

/* Thread t's block of the current job: [next, end), `next` advanced by its
 * owner and by thieves alike (each index is handed out once). One cache line
 * each. */
static struct {
  _Alignas(64) atomic_int_fast64_t next;
  int64_t end;
} blocks[ETCH_MAX_THREADS];

/* Set on workers, and on the caller while it runs chunks: a nested call runs
 * serially instead of deadlocking on call_lock. */
static _Thread_local int in_parallel;

static int clamp_threads(long n) {
  if (n < 1) {
    return 1;
  }
  return n > ETCH_MAX_THREADS ? ETCH_MAX_THREADS : (int)n;
}

static int default_threads(void) {
  const char *env = getenv("ETCH_NUM_THREADS");
  if (env && *env) {
    char *end = NULL;
    long v = strtol(env, &end, 10);
    if (*end == '\0' && v > 0) {
      return clamp_threads(v);
    }
  }
  return clamp_threads(sysconf(_SC_NPROCESSORS_ONLN));
}

void etch_set_num_threads(int n) {
  atomic_store(&pool.threads, n > 0 ? clamp_threads(n) : 0);
}

int etch_get_num_threads(void) {
  int t = atomic_load(&pool.threads);
  if (t == 0) {
    t = default_threads();
    atomic_store(&pool.threads, t);
  }
  return t;
}

/* What each worker starts from: its thread index (the caller is 0) and the
 * generation current when it was made (a job posted before the thread got
 * scheduled still counts as new). */
struct worker_arg {
  uint64_t start_generation;
  int32_t tid;
};
static struct worker_arg worker_args[ETCH_MAX_THREADS - 1];

/* Runs chunks of block `b` until it is used up. */
static void drain_block(int b, int32_t tid) {
  const int64_t chunk = pool.chunk, last = blocks[b].end;
  for (;;) {
    int64_t begin = atomic_fetch_add(&blocks[b].next, chunk);
    if (begin >= last) {
      return;
    }
    int64_t end = last - begin < chunk ? last : begin + chunk;
    pool.fn(pool.ctx, begin, end, tid);
  }
}

/* Its own block first, then what is left of the others'. */
static void run_chunks(int32_t tid) {
  const int active = pool.active;
  for (int i = 0; i < active; ++i) {
    drain_block((tid + i) % active, tid);
  }
}

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || (defined(__arm__) && __ARM_ARCH >= 7)
  __asm__ __volatile__("yield" ::: "memory");
#endif
}

static int spin_iterations(void) {
  static atomic_int cached = -1;
  int v = atomic_load_explicit(&cached, memory_order_relaxed);
  if (v >= 0) {
    return v;
  }
  v = ETCH_DEFAULT_SPIN;
  const char *env = getenv("ETCH_SPIN");
  if (env && *env) {
    char *end = NULL;
    long parsed = strtol(env, &end, 10);
    if (*end == '\0' && parsed >= 0) {
      v = parsed > 100000000 ? 100000000 : (int)parsed;
    }
  }
  atomic_store_explicit(&cached, v, memory_order_relaxed);
  return v;
}

/* Whether a job after `seen` was posted (or the pool shuts down). */
static int job_posted(uint64_t seen) {
  return atomic_load_explicit(&pool.shutdown, memory_order_acquire) ||
         atomic_load_explicit(&pool.generation, memory_order_acquire) != seen;
}

static void *worker_main(void *arg) {
  const int32_t tid = ((const struct worker_arg *)arg)->tid;
  uint64_t seen = ((const struct worker_arg *)arg)->start_generation;
  const int spin = spin_iterations();
  in_parallel = 1;
  for (;;) {
    for (int i = 0; i < spin && !job_posted(seen); ++i) {
      cpu_relax();
    }
    if (!job_posted(seen)) {
      pthread_mutex_lock(&pool.lock);
      while (!job_posted(seen)) {
        pthread_cond_wait(&pool.work_cv, &pool.lock);
      }
      pthread_mutex_unlock(&pool.lock);
    }
    if (atomic_load_explicit(&pool.shutdown, memory_order_acquire)) {
      break;
    }
    seen = atomic_load_explicit(&pool.generation, memory_order_acquire);
    if (tid < pool.active) {
      run_chunks(tid);
    }
    if (atomic_fetch_sub_explicit(&pool.pending, 1, memory_order_acq_rel) ==
        1) {
      /* Under the lock: the caller checks `pending` under it before it
       * sleeps, so this wake-up cannot be lost. */
      pthread_mutex_lock(&pool.lock);
      pthread_cond_signal(&pool.done_cv);
      pthread_mutex_unlock(&pool.lock);
    }
  }
  return NULL;
}

/* Requires call_lock; no job is in flight. */
static void stop_workers(void) {
  pthread_mutex_lock(&pool.lock);
  atomic_store_explicit(&pool.shutdown, 1, memory_order_release);
  pthread_cond_broadcast(&pool.work_cv);
  pthread_mutex_unlock(&pool.lock);
  for (int i = 0; i < pool.num_workers; ++i) {
    pthread_join(pool.workers[i], NULL);
  }
  pool.num_workers = 0;
  atomic_store_explicit(&pool.shutdown, 0, memory_order_release);
}

/* A forked child has none of the parent's workers. */
static void reset_in_child(void) {
  pthread_mutex_init(&pool.call_lock, NULL);
  pthread_mutex_init(&pool.lock, NULL);
  pthread_cond_init(&pool.work_cv, NULL);
  pthread_cond_init(&pool.done_cv, NULL);
  pool.num_workers = 0;
  atomic_store(&pool.shutdown, 0);
  atomic_store(&pool.pending, 0);
}

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static void register_atfork(void) {
  pthread_atfork(NULL, NULL, reset_in_child);
}

/* Requires call_lock. Returns how many workers run (thread creation can fail;
 * then fewer, possibly none, do the work). */
static int ensure_workers(int want) {
  if (pool.num_workers == want) {
    return want;
  }
  stop_workers();
  pthread_once(&atfork_once, register_atfork);
  while (pool.num_workers < want) {
    worker_args[pool.num_workers].start_generation =
        atomic_load_explicit(&pool.generation, memory_order_acquire);
    worker_args[pool.num_workers].tid = (int32_t)(pool.num_workers + 1);
    if (pthread_create(&pool.workers[pool.num_workers], NULL, worker_main,
                       &worker_args[pool.num_workers]) != 0) {
      break;
    }
    ++pool.num_workers;
  }
  return pool.num_workers;
}

void etch_parallel_for_tid(int64_t n, etch_range_tid_fn_t fn, void *ctx,
                           int32_t max_threads) {
  if (n <= 0 || !fn) {
    return;
  }
  int threads = etch_get_num_threads();
  if (max_threads < threads) {
    threads = max_threads;
  }
  if (n == 1 || threads <= 1 || in_parallel ||
      pthread_mutex_trylock(&pool.call_lock) != 0) {
    fn(ctx, 0, n, 0);
    return;
  }
  /* The pool keeps etch_get_num_threads() - 1 workers; this job uses the
   * first threads - 1 of them. */
  int workers = ensure_workers(etch_get_num_threads() - 1);
  int helpers = workers < threads - 1 ? workers : threads - 1;
  if (helpers == 0) {
    pthread_mutex_unlock(&pool.call_lock);
    fn(ctx, 0, n, 0);
    return;
  }
  int64_t chunk = n / ((int64_t)(helpers + 1) * ETCH_CHUNKS_PER_THREAD);

  /* No worker reads these now: the last job's workers all counted
   * themselves out of `pending`, and the next read follows the release
   * below. */
  pool.fn = fn;
  pool.ctx = ctx;
  pool.chunk = chunk < 1 ? 1 : chunk;
  pool.active = helpers + 1;
  for (int t = 0; t < pool.active; ++t) {
    atomic_store_explicit(&blocks[t].next, n * t / pool.active,
                          memory_order_relaxed);
    blocks[t].end = n * (t + 1) / pool.active;
  }
  atomic_store_explicit(&pool.pending, workers, memory_order_relaxed);
  pthread_mutex_lock(&pool.lock);
  atomic_fetch_add_explicit(&pool.generation, 1, memory_order_release);
  pthread_cond_broadcast(&pool.work_cv);
  pthread_mutex_unlock(&pool.lock);

  in_parallel = 1;
  run_chunks(0);
  in_parallel = 0;

  const int spin = spin_iterations();
  for (int i = 0;
       i < spin &&
       atomic_load_explicit(&pool.pending, memory_order_acquire) > 0;
       ++i) {
    cpu_relax();
  }
  if (atomic_load_explicit(&pool.pending, memory_order_acquire) > 0) {
    pthread_mutex_lock(&pool.lock);
    while (atomic_load_explicit(&pool.pending, memory_order_acquire) > 0) {
      pthread_cond_wait(&pool.done_cv, &pool.lock);
    }
    pthread_mutex_unlock(&pool.lock);
  }
  pthread_mutex_unlock(&pool.call_lock);
}

/* The tid-less form over the one above. */
struct range_adapter {
  etch_range_fn_t fn;
  void *ctx;
};

static void run_adapted(void *ctx, int64_t begin, int64_t end, int32_t tid) {
  (void)tid;
  const struct range_adapter *a = (const struct range_adapter *)ctx;
  a->fn(a->ctx, begin, end);
}

void etch_parallel_for(int64_t n, etch_range_fn_t fn, void *ctx) {
  if (n <= 0 || !fn) {
    return;
  }
  struct range_adapter adapter = {fn, ctx};
  etch_parallel_for_tid(n, run_adapted, &adapter, ETCH_MAX_THREADS);
}
