/* startup_riscv.c: reset code for the riscv32 build (rv32imac), which build.sh compiles and
 * links to prove the runtime links on RISC-V; no emulator runs it here. The memory map is the
 * shared linker script's (code at 0, RAM at 0x20000000): set it, the tick source (mcu.h reads
 * an MPS2 timer) and the console for a real chip. Reset: set sp, copy .data, zero
 * .bss, paint the stack, run constructors, call main(), exit with its status (semihosting). */
#include <stdint.h>
#include "mcu.h"

extern uint32_t __data_start[], __data_end[], __data_load[], __bss_start[], __bss_end[];
extern void (*__init_array_start[])(void), (*__init_array_end[])(void);
extern int main(int argc, char **argv);
void mcu_stack_paint(void);

__attribute__((noreturn, used)) void mcu_reset(void) {
    volatile uint32_t *src = __data_load, *dst = __data_start;
    while (dst < __data_end) *dst++ = *src++;
    for (volatile uint32_t *p = __bss_start; p < __bss_end; p++) *p = 0;
    mcu_stack_paint();
    for (void (**f)(void) = __init_array_start; f < __init_array_end; f++) (*f)();
    mcu_exit(main(0, 0));
}

/* The entry (ENTRY(Reset_Handler) in the linker script), first in flash. */
__attribute__((naked, section(".vectors"), used)) void Reset_Handler(void) {
    __asm volatile(
        "la sp, __stack_top\n"
        "j mcu_reset\n");
}
