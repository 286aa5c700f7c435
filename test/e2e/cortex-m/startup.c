/* Bare-metal start for the Cortex-M e2e images (QEMU mps2-an386, mps3-an547,
 * microbit).
 *
 * The vector table's first two words are the initial stack pointer and
 * Reset_Handler. Reset_Handler enables the FPU (and MVE on M55: both are
 * gated by CPACR CP10/CP11) before any floating-point instruction can run,
 * copies .data from its load address, zeroes .bss, then runs
 * `exit(main(argc, argv))` with argv fetched over semihosting
 * (semihost.c). Faults print their status registers and the faulting PC
 * over semihosting and exit with status 3, so a crash in a model shows up
 * as a failing test with a diagnosis instead of a hang.
 *
 * Linker-script symbols (sections.ld): __stack_top, __data_start,
 * __data_end, __data_load, __bss_start, __bss_end. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern uint32_t __stack_top[];
extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[];

int main(int argc, char **argv);
int etch_semihost_args(char ***argv); /* semihost.c */
void etch_semihost_init(void);        /* semihost.c */

#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR (*(volatile uint32_t *)0xE000ED2Cu)
#define SCB_MMFAR (*(volatile uint32_t *)0xE000ED34u)
#define SCB_BFAR (*(volatile uint32_t *)0xE000ED38u)

/* Runs after the FPU is on, so the compiler may use FP registers here. */
__attribute__((noreturn, used)) static void reset_c(void) {
  /* Word loops: the linker script aligns both ends to 4 bytes, and memcpy /
   * memset could be built to touch FP registers before .data exists. */
  for (uint32_t *src = __data_load, *dst = __data_start; dst < __data_end;) {
    *dst++ = *src++;
  }
  for (uint32_t *dst = __bss_start; dst < __bss_end;) {
    *dst++ = 0;
  }
  etch_semihost_init();
  char **argv;
  int argc = etch_semihost_args(&argv);
  exit(main(argc, argv));
}

#if defined(__ARM_ARCH_6M__)
/* ARMv6-M (Cortex-M0/M0+): no FPU to enable. */
__attribute__((naked, noreturn)) void Reset_Handler(void) {
  __asm__ volatile("b reset_c\n");
}
#else
/* Naked: no prologue may touch the FPU or the stack before CPACR is set. */
__attribute__((naked, noreturn)) void Reset_Handler(void) {
  __asm__ volatile("ldr r0, =0xE000ED88\n" /* CPACR */
                   "ldr r1, [r0]\n"
                   "orr r1, r1, #(0xF << 20)\n" /* CP10, CP11: full access */
                   "str r1, [r0]\n"
                   "dsb\n"
                   "isb\n"
                   "b reset_c\n"
                   ".ltorg\n");
}
#endif

/* Called with the stacked exception frame (r0-r3, r12, lr, pc, xpsr). */
__attribute__((used, noreturn)) static void fault_report(uint32_t *frame,
                                                         uint32_t ipsr) {
  fprintf(stderr,
          "cortex-m: fault (exception %lu) at pc=0x%08lx lr=0x%08lx: "
          "CFSR=0x%08lx HFSR=0x%08lx MMFAR=0x%08lx BFAR=0x%08lx\n",
          (unsigned long)(ipsr & 0x1FF), (unsigned long)frame[6],
          (unsigned long)frame[5], (unsigned long)SCB_CFSR,
          (unsigned long)SCB_HFSR, (unsigned long)SCB_MMFAR,
          (unsigned long)SCB_BFAR);
  exit(3);
}

/* Picks the stack the exception frame was pushed to (EXC_RETURN bit 2). */
__attribute__((naked, noreturn)) void Fault_Handler(void) {
#if defined(__ARM_ARCH_6M__)
  /* ARMv6-M has no IT blocks and no immediate TST. */
  __asm__ volatile("movs r0, #4\n"
                   "mov r1, lr\n"
                   "tst r0, r1\n"
                   "bne 1f\n"
                   "mrs r0, msp\n"
                   "b 2f\n"
                   "1: mrs r0, psp\n"
                   "2: mrs r1, ipsr\n"
                   "ldr r2, =fault_report\n"
                   "bx r2\n"
                   ".ltorg\n");
#else
  __asm__ volatile("tst lr, #4\n"
                   "ite eq\n"
                   "mrseq r0, msp\n"
                   "mrsne r0, psp\n"
                   "mrs r1, ipsr\n"
                   "b fault_report\n");
#endif
}

/* exit() runs __libc_fini_array, which calls _fini (crti.o's, which
 * -nostartfiles leaves out); C needs no init/fini code. */
void _init(void) {}
void _fini(void) {}

typedef void (*vector_t)(void);

/* 16 system exceptions; the images use no external interrupts. */
__attribute__((section(".vectors"), used)) const vector_t etch_vectors[16] = {
    (vector_t)__stack_top, /* initial MSP */
    Reset_Handler,
    Fault_Handler, /* NMI */
    Fault_Handler, /* HardFault */
    Fault_Handler, /* MemManage */
    Fault_Handler, /* BusFault */
    Fault_Handler, /* UsageFault */
    Fault_Handler, /* SecureFault (v8-M) */
    0,
    0,
    0,
    Fault_Handler, /* SVCall */
    Fault_Handler, /* DebugMonitor */
    0,
    Fault_Handler, /* PendSV */
    Fault_Handler, /* SysTick */
};
