/* Runs the etch-compiled mnist_cnn model on the bundled digit and prints the
 * ten scores and the argmax. Exits non-zero if the run fails or the argmax is
 * not the digit drawn in digit.h.
 *
 *   etch-compile mnist_cnn.onnx --target=x86_64-linux-gnu --name=mnist_cnn -o mnist_cnn.o
 *   cc -std=c11 -O2 -I<etch>/runtime/include -I. main.c mnist_cnn.o -o mnist_cnn
 */
#include "digit.h"
#include "mnist_cnn.h"

#include <stdio.h>

/* +1: a model with no intermediates has a zero-byte arena. */
static _Alignas(MNIST_CNN_ARENA_ALIGN) unsigned char
    arena[MNIST_CNN_ARENA_SIZE + 1];

int main(void) {
  float scores[10];
  etch_status_t st = mnist_cnn_run(digit_image, scores, arena);
  if (st != ETCH_OK) {
    fprintf(stderr, "mnist_cnn_run failed with status %d\n", (int)st);
    return 1;
  }
  int best = 0;
  for (int i = 0; i < 10; ++i) {
    printf("score[%d] = %8.3f\n", i, (double)scores[i]);
    if (scores[i] > scores[best]) {
      best = i;
    }
  }
  printf("argmax: %d (the bundled image shows a %d)\n", best, DIGIT_LABEL);
  return best == DIGIT_LABEL ? 0 : 1;
}
