/* mcu.h: what Swift firmware calls on the board (Firmware/Support/runtime.c, startup.c).
 * Imported into Swift as module SwiftletMCU (include/module.modulemap). */
#ifndef SWIFTLET_MCU_H
#define SWIFTLET_MCU_H
#include <stdint.h>

/* Console: one byte / a NUL-terminated string, line-buffered to semihosting SYS_WRITE0. */
void mcu_putc(int c);
void mcu_puts(const char *s);
void mcu_flush(void);

/* Ends the program: flushes, then semihosting SYS_EXIT (0 = ADP_Stopped_ApplicationExit),
 * or SYS_EXIT_EXTENDED with the code for non-zero codes (QEMU exits with that status). */
__attribute__((noreturn)) void mcu_exit(int code);

/* CMSDK APB timer0: a 32-bit down-counter at 25 MHz, started by the reset handler.
 * Under QEMU -icount shift=0, one tick = 40 executed instructions. */
static inline uint32_t mcu_ticks(void) { return *(volatile uint32_t *)0x40000004u; }
#define MCU_INSTRUCTIONS_PER_TICK 40u

/* The heap Embedded Swift allocates from (posix_memalign/free): a fixed pool.
 * After mcu_heap_seal(), any allocation prints a message and exits with code 3. */
void mcu_heap_seal(void);
void mcu_heap_unseal(void);
uint32_t mcu_heap_peak(void);
uint32_t mcu_heap_capacity(void);

/* Stack bytes touched so far (the stack is painted at reset). */
uint32_t mcu_stack_used(void);
uint32_t mcu_stack_capacity(void);

/* The static tensor arena (sized by build.sh from `swiftlet inspect`, see arena.c). */
unsigned char *mcu_arena(void);
uint32_t mcu_arena_bytes(void);

/* The build's --target (cortex-m4, cortex-m7, ...), for messages. */
const char *mcu_target_name(void);

#endif
