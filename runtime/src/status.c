/* Status strings, dtype sizes and the checked entry point etch_model_run. */
#include "etch/etch.h"

const char *etch_status_string(etch_status_t status) {
  switch (status) {
  case ETCH_OK:
    return "ETCH_OK";
  case ETCH_ERR_INVALID_ARGUMENT:
    return "ETCH_ERR_INVALID_ARGUMENT";
  case ETCH_ERR_ARENA_TOO_SMALL:
    return "ETCH_ERR_ARENA_TOO_SMALL";
  case ETCH_ERR_ARENA_UNALIGNED:
    return "ETCH_ERR_ARENA_UNALIGNED";
  case ETCH_ERR_DEVICE:
    return "ETCH_ERR_DEVICE";
  case ETCH_ERR_UNSUPPORTED:
    return "ETCH_ERR_UNSUPPORTED";
  }
  return "ETCH_ERR_UNKNOWN";
}

size_t etch_dtype_size(etch_dtype_t dtype) {
  switch (dtype) {
  case ETCH_F32:
  case ETCH_I32:
  case ETCH_U32:
    return 4;
  case ETCH_F16:
  case ETCH_BF16:
  case ETCH_I16:
  case ETCH_U16:
    return 2;
  case ETCH_I8:
  case ETCH_U8:
  case ETCH_BOOL:
  case ETCH_F8E4M3FN:
  case ETCH_F8E4M3FNUZ:
  case ETCH_F8E5M2:
  case ETCH_F8E5M2FNUZ:
  case ETCH_F8E8M0:
    return 1;
  case ETCH_I4:
  case ETCH_U4:
  case ETCH_F4E2M1:
  case ETCH_I2:
  case ETCH_U2:
    return 0;
  case ETCH_I64:
  case ETCH_U64:
  case ETCH_F64:
    return 8;
  }
  return 0;
}

size_t etch_dtype_bits(etch_dtype_t dtype) {
  switch (dtype) {
  case ETCH_I4:
  case ETCH_U4:
  case ETCH_F4E2M1:
    return 4;
  case ETCH_I2:
  case ETCH_U2:
    return 2;
  default:
    return 8 * etch_dtype_size(dtype);
  }
}

static int all_non_null(const void *const *ptrs, int32_t count) {
  if (count <= 0) {
    return 1;
  }
  if (!ptrs) {
    return 0;
  }
  for (int32_t i = 0; i < count; ++i) {
    if (!ptrs[i]) {
      return 0;
    }
  }
  return 1;
}

etch_status_t etch_model_run(const etch_model_t *model,
                             const void *const *inputs, void *const *outputs,
                             void *arena) {
  if (!model || !model->run) {
    return ETCH_ERR_INVALID_ARGUMENT;
  }
  if (model->abi_version != ETCH_ABI_VERSION) {
    return ETCH_ERR_UNSUPPORTED;
  }
  if (model->num_inputs < 0 || model->num_outputs < 0 ||
      !all_non_null(inputs, model->num_inputs) ||
      !all_non_null((const void *const *)outputs, model->num_outputs)) {
    return ETCH_ERR_INVALID_ARGUMENT;
  }
  if (model->arena_size > 0) {
    if (!arena) {
      return ETCH_ERR_INVALID_ARGUMENT;
    }
    /* An alignment of 0 or 1 means "any"; a non-power-of-two still works. */
    if (model->arena_align > 1 &&
        (uintptr_t)arena % (uintptr_t)model->arena_align != 0) {
      return ETCH_ERR_ARENA_UNALIGNED;
    }
  }
  return model->run(inputs, outputs, arena);
}

etch_status_t etch_model_run_sized(const etch_model_t *model,
                                   const void *const *inputs,
                                   void *const *outputs, void *arena,
                                   size_t arena_bytes) {
  if (model && arena && arena_bytes < model->arena_size) {
    return ETCH_ERR_ARENA_TOO_SMALL;
  }
  return etch_model_run(model, inputs, outputs, arena);
}
