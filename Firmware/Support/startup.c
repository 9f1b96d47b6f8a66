/* startup.c: vector table, reset handler and fault reporting for Cortex-M (mps2-an386 in QEMU).
 * Reset: enable the FPU (CP10/CP11), copy .data, zero .bss, paint the stack, start timer0,
 * run C/Swift constructors, call main(), exit with its status over semihosting. */
#include <stdint.h>
#include "mcu.h"

extern uint32_t __data_start[], __data_end[], __data_load[], __bss_start[], __bss_end[];
extern uint32_t __stack_limit[], __stack_top[];
extern void (*__init_array_start[])(void), (*__init_array_end[])(void);
extern int main(int argc, char **argv);
void mcu_stack_paint(void);
void mcu_report_fault(uint32_t *frame, uint32_t exc_return, uint32_t kind);

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)
#define SCB_CCR (*(volatile uint32_t *)0xE000ED14u)
#define SCB_SHCSR (*(volatile uint32_t *)0xE000ED24u)
#define TIMER0_CTRL (*(volatile uint32_t *)0x40000000u)
#define TIMER0_VALUE (*(volatile uint32_t *)0x40000004u)
#define TIMER0_RELOAD (*(volatile uint32_t *)0x40000008u)

__attribute__((noreturn, used)) void Reset_Handler(void) {
#if __ARM_ARCH_ISA_THUMB >= 2
    SCB_CPACR |= 0xFu << 20;                    /* full access to CP10, CP11 (the FPU) */
    __asm volatile("dsb\n isb" ::: "memory");
    SCB_CCR |= 1u << 4;                         /* trap integer division by zero */
    SCB_SHCSR |= 7u << 16;                      /* separate Mem/Bus/Usage fault handlers */
#endif
    volatile uint32_t *src = __data_load, *dst = __data_start;
    while (dst < __data_end) *dst++ = *src++;
    for (volatile uint32_t *p = __bss_start; p < __bss_end; p++) *p = 0;
    mcu_stack_paint();
    TIMER0_CTRL = 0;
    TIMER0_RELOAD = 0xFFFFFFFFu;
    TIMER0_VALUE = 0xFFFFFFFFu;
    TIMER0_CTRL = 1;                            /* enable, no interrupt */
    for (void (**f)(void) = __init_array_start; f < __init_array_end; f++) (*f)();
    mcu_exit(main(0, 0));
}

/* Passes the exception frame (MSP or PSP), EXC_RETURN and the exception number to C. */
__attribute__((naked)) static void Fault_Handler(void) {
#if __ARM_ARCH_ISA_THUMB >= 2
    __asm volatile(
        "tst lr, #4\n"
        "ite eq\n"
        "mrseq r0, msp\n"
        "mrsne r0, psp\n"
        "mov r1, lr\n"
        "mrs r2, ipsr\n"
        "b mcu_report_fault\n");
#else   /* ARMv6-M: no IT blocks, no conditional mrs */
    __asm volatile(
        "mov r0, lr\n"
        "movs r1, #4\n"
        "tst r0, r1\n"
        "bne 1f\n"
        "mrs r0, msp\n"
        "b 2f\n"
        "1: mrs r0, psp\n"
        "2: mov r1, lr\n"
        "mrs r2, ipsr\n"
        "ldr r3, =mcu_report_fault\n"
        "bx r3\n");
#endif
}

typedef void (*vector_t)(void);
__attribute__((section(".vectors"), used)) const vector_t mcu_vectors[16 + 32] = {
    (vector_t)__stack_top,
    Reset_Handler,
    Fault_Handler,  /* NMI */
    Fault_Handler,  /* HardFault */
    Fault_Handler,  /* MemManage */
    Fault_Handler,  /* BusFault */
    Fault_Handler,  /* UsageFault */
    0, 0, 0, 0,
    Fault_Handler,  /* SVCall */
    Fault_Handler,  /* DebugMonitor */
    0,
    Fault_Handler,  /* PendSV */
    Fault_Handler,  /* SysTick */
    [16 ... 47] = Fault_Handler,   /* external interrupts: none are enabled */
};
