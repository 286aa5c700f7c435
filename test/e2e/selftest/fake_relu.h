/* What etch-compile --name=fake_relu would write next to fake_relu.o. */
#ifndef FAKE_RELU_H
#define FAKE_RELU_H

#include "etch/etch.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FAKE_RELU_ARENA_SIZE 96
#define FAKE_RELU_ARENA_ALIGN 64

extern const etch_model_t fake_relu_model;

etch_status_t fake_relu_run(const float *x, float *y, void *arena);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* FAKE_RELU_H */
