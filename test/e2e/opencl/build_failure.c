/* A program whose kernel does not compile: etch_cl_init must return
 * ETCH_ERR_DEVICE, leave the state NULL and pass the build log to the hook.
 * Exits 0 when it does. */
#include "etch/etch_opencl.h"

#include <stdio.h>
#include <string.h>

static char captured[1 << 16];

static void hook(void *user, const char *message) {
  (void)user;
  strncat(captured, message, sizeof(captured) - strlen(captured) - 2);
  strcat(captured, "\n");
}

int main(void) {
  static const char *const names[] = {"broken"};
  etch_cl_program_t program = {0};
  program.abi_version = ETCH_OPENCL_ABI_VERSION;
  program.num_kernels = 1;
  program.name = "broken";
  program.source = "__kernel void broken(__global uchar *b0) { undeclared_x = 1; }";
  program.build_options = "-cl-std=CL1.2";
  program.kernel_names = names;
  program.arena_size = 64;
  etch_cl_set_log_hook(hook, NULL);
  etch_cl_state_t *state = NULL;
  etch_status_t st = etch_cl_init(&program, NULL, &state);
  printf("status %d (%s)\n%s", (int)st, etch_status_string(st), captured);
  if (st != ETCH_ERR_DEVICE || state != NULL) {
    return 1;
  }
  if (!strstr(captured, "failed") || !strstr(captured, "undeclared_x")) {
    return 1;
  }
  return strstr(etch_cl_last_error(), "building the OpenCL program") ? 0 : 1;
}
