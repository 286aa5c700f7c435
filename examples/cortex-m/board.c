/* Start-up code and a semihosting console for the firmware example on QEMU's
 * MPS2/MPS3 boards: the vector table, Reset_Handler (FPU on, .data copied,
 * .bss zeroed, then main), and the three system calls newlib's printf and
 * exit need (_write, _sbrk, _exit). Semihosting (`bkpt 0xab`) sends the
 * console to QEMU's stdout and main's return value to QEMU's exit status
 * when QEMU runs with `-semihosting-config enable=on,target=native`.
 * On real hardware, replace _write with a UART driver. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

extern uint32_t __stack_top[], __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[];
extern char __heap_start[], __heap_end[];
int main(void);

static int semihost(int op, void *arg) {
  register int r0 __asm__("r0") = op;
  register void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

int _write(int fd, const void *buf, size_t n) {
  (void)fd; /* stdout and stderr both go to the console */
  static int console = -1;
  if (console == -1) {
    uint32_t open[3] = {(uint32_t)(uintptr_t) ":tt", 4 /* "w" */, 3};
    console = semihost(0x01 /* SYS_OPEN */, open);
  }
  uint32_t write[3] = {(uint32_t)console, (uint32_t)(uintptr_t)buf, n};
  return (int)n - semihost(0x05 /* SYS_WRITE */, write);
}

void *_sbrk(ptrdiff_t incr) {
  static char *brk = __heap_start;
  if (incr > __heap_end - brk) {
    errno = ENOMEM;
    return (void *)-1;
  }
  char *old = brk;
  brk += incr;
  return old;
}

__attribute__((noreturn)) void _exit(int status) {
  /* SYS_EXIT_EXTENDED: ADP_Stopped_ApplicationExit with an exit code. */
  uint32_t block[2] = {0x20026, (uint32_t)status};
  semihost(0x20, block);
  for (;;) {
  }
}

void _init(void) {}
void _fini(void) {}

__attribute__((noreturn, used)) static void reset_c(void) {
  for (uint32_t *s = __data_load, *d = __data_start; d < __data_end;) {
    *d++ = *s++;
  }
  for (uint32_t *d = __bss_start; d < __bss_end;) {
    *d++ = 0;
  }
  exit(main());
}

/* The FPU (CPACR CP10/CP11) must be on before any floating-point code. */
__attribute__((naked, noreturn)) void Reset_Handler(void) {
  __asm__ volatile("ldr r0, =0xE000ED88\n"
                   "ldr r1, [r0]\n"
                   "orr r1, r1, #(0xF << 20)\n"
                   "str r1, [r0]\n"
                   "dsb\n"
                   "isb\n"
                   "b reset_c\n"
                   ".ltorg\n");
}

__attribute__((noreturn)) static void Fault_Handler(void) { _exit(3); }

typedef void (*vector_t)(void);
__attribute__((section(".vectors"), used)) const vector_t vectors[16] = {
    (vector_t)__stack_top, Reset_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler,         Fault_Handler, Fault_Handler, Fault_Handler};
