/* Memory bandwidth per thread when 1..N threads stream their own buffers:
 * does a machine's memory scale with its cores? (A 2-core VM may not: then
 * memory-bound layers gain little from a second thread.)
 * Build: cc -O3 -march=native bench/membw.c -o membw -lpthread
 * Run:   taskset -c 0,1 ./membw <MiB per thread> <threads>
 * Each thread does y = 0.5 * y + 1 over its buffer 20 times and prints the
 * bytes read + written per second. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static size_t bytes;
enum { REPEATS = 20 };

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *stream(void *arg) {
  (void)arg;
  float *buf = aligned_alloc(64, bytes);
  if (!buf) {
    return NULL;
  }
  memset(buf, 0, bytes);
  double start = now();
  for (int r = 0; r < REPEATS; ++r) {
    for (size_t i = 0; i < bytes / sizeof(float); ++i) {
      buf[i] = buf[i] * 0.5f + 1.0f;
    }
  }
  double seconds = now() - start;
  printf("thread: %.1f GB/s (read + write), checksum %g\n",
         2.0 * bytes * REPEATS / seconds / 1e9, buf[bytes / sizeof(float) / 2]);
  free(buf);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s <MiB per thread> <threads>\n", argv[0]);
    return 2;
  }
  bytes = (size_t)atoi(argv[1]) << 20;
  int threads = atoi(argv[2]);
  if (bytes == 0 || threads < 1 || threads > 64) {
    fprintf(stderr, "MiB and threads (1..64) must be positive\n");
    return 2;
  }
  pthread_t ids[64];
  for (int t = 0; t < threads; ++t) {
    pthread_create(&ids[t], NULL, stream, NULL);
  }
  for (int t = 0; t < threads; ++t) {
    pthread_join(ids[t], NULL);
  }
  return 0;
}
