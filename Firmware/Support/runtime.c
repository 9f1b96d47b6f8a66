/* runtime.c: the C symbols Embedded Swift code needs on a bare Cortex-M, and the board
 * services of mcu.h: semihosting console and exit, a fixed heap pool, memory routines,
 * stack painting, fault reports. Compile with -ffreestanding -fno-builtin. */
#include <stddef.h>
#include <stdint.h>
#include "mcu.h"

/* ---- Semihosting: ARM (bkpt 0xAB in Thumb state); RISC-V (the slli/ebreak/srai sequence,
 * uncompressed; build.sh's riscv32 target is linked, not run). ---- */
#define SYS_WRITEC 0x03
#define SYS_WRITE0 0x04
#define SYS_EXIT 0x18
#define SYS_EXIT_EXTENDED 0x20
#define ADP_Stopped_ApplicationExit 0x20026

#if defined(__riscv)
static inline uintptr_t semihost(uintptr_t op, const void *arg) {
    register uintptr_t a0 __asm("a0") = op;
    register const void *a1 __asm("a1") = arg;
    __asm volatile(".option push\n .option norvc\n slli zero, zero, 0x1f\n ebreak\n srai zero, zero, 7\n .option pop"
                   : "+r"(a0) : "r"(a1) : "memory");
    return a0;
}
#define MCU_HALT() __asm volatile("ebreak")
#define MCU_SP(sp) __asm volatile("mv %0, sp" : "=r"(sp))
#else
static inline uintptr_t semihost(uintptr_t op, const void *arg) {
    register uintptr_t r0 __asm("r0") = op;
    register const void *r1 __asm("r1") = arg;
    __asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}
#define MCU_HALT() __asm volatile("bkpt 0")
#define MCU_SP(sp) __asm volatile("mov %0, sp" : "=r"(sp))
#endif

static char line[128];
static unsigned line_len;

void mcu_flush(void) {
    if (!line_len) return;
    line[line_len] = 0;
    semihost(SYS_WRITE0, line);
    line_len = 0;
}

void mcu_putc(int c) {
    if (c == 0) return;
    line[line_len++] = (char)c;
    if (c == '\n' || line_len == sizeof line - 1) mcu_flush();
}

void mcu_puts(const char *s) { while (*s) mcu_putc(*s++); }

int putchar(int c) { mcu_putc(c); return c & 0xFF; }

__attribute__((noreturn)) void mcu_exit(int code) {
    mcu_flush();
    if (code == 0) {
        semihost(SYS_EXIT, (const void *)ADP_Stopped_ApplicationExit);
    } else {
        uint32_t block[2] = {ADP_Stopped_ApplicationExit, (uint32_t)code};
        semihost(SYS_EXIT_EXTENDED, block);
    }
    for (;;) MCU_HALT();
}

__attribute__((noreturn)) void exit(int code) { mcu_exit(code); }
__attribute__((noreturn)) void abort(void) { mcu_puts("\nabort()\n"); mcu_exit(134); }

static void put_hex(uint32_t v) {
    mcu_puts("0x");
    for (int i = 28; i >= 0; i -= 4) mcu_putc("0123456789abcdef"[(v >> i) & 0xF]);
}
static void put_uint(uint32_t v) {
    char b[11]; int n = 0;
    do { b[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) mcu_putc(b[--n]);
}

/* ---- Faults: print what happened and where, exit with status 2. ---- */
void mcu_report_fault(uint32_t *frame, uint32_t exc_return, uint32_t ipsr) {
    static const char *const names[] = {"?", "Reset", "NMI", "HardFault", "MemManage", "BusFault", "UsageFault"};
    uint32_t n = ipsr & 0x1FF;
    uint32_t cfsr = *(volatile uint32_t *)0xE000ED28u, hfsr = *(volatile uint32_t *)0xE000ED2Cu;
    mcu_flush();
    mcu_puts("\n*** FAULT: ");
    if (n < 7) mcu_puts(names[n]); else { mcu_puts("exception "); put_uint(n); }
    mcu_puts(" pc="); put_hex(frame[6]);
    mcu_puts(" lr="); put_hex(frame[5]);
    mcu_puts(" sp="); put_hex((uint32_t)(uintptr_t)frame);
    mcu_puts(" cfsr="); put_hex(cfsr);
    mcu_puts(" hfsr="); put_hex(hfsr);
    mcu_puts(" exc_return="); put_hex(exc_return);
    if (cfsr & (1u << 16)) mcu_puts("\n    undefined instruction: a Swift runtime trap (fatalError, precondition, overflow, bounds)");
    if (cfsr & (1u << 25)) mcu_puts("\n    division by zero");
    if (cfsr & 0x8200u) { mcu_puts("\n    bad data address "); put_hex(*(volatile uint32_t *)0xE000ED38u); }
    if (cfsr & 0x82u) { mcu_puts("\n    bad memory address "); put_hex(*(volatile uint32_t *)0xE000ED34u); }
    mcu_puts("\n");
    mcu_exit(2);
}

/* ---- Memory routines (also the __aeabi_ forms clang and swiftc call). ---- */
void *memcpy(void *restrict d, const void *restrict s, size_t n) {
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if ((((uintptr_t)dp | (uintptr_t)sp) & 3) == 0) {
        for (; n >= 16; n -= 16, dp += 16, sp += 16) {
            uint32_t *dw = (uint32_t *)dp; const uint32_t *sw = (const uint32_t *)sp;
            uint32_t a = sw[0], b = sw[1], c = sw[2], e = sw[3];
            dw[0] = a; dw[1] = b; dw[2] = c; dw[3] = e;
        }
        for (; n >= 4; n -= 4, dp += 4, sp += 4) *(uint32_t *)dp = *(const uint32_t *)sp;
    }
    while (n--) *dp++ = *sp++;
    return d;
}

void *memmove(void *d, const void *s, size_t n) {
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if (dp == sp || n == 0) return d;
    if (dp < sp || dp >= sp + n) return memcpy(d, s, n);
    while (n--) dp[n] = sp[n];
    return d;
}

void *memset(void *d, int c, size_t n) {
    unsigned char *dp = d;
    uint32_t w = (unsigned char)c * 0x01010101u;
    while (n && ((uintptr_t)dp & 3)) { *dp++ = (unsigned char)c; n--; }
    for (; n >= 4; n -= 4, dp += 4) *(uint32_t *)dp = w;
    while (n--) *dp++ = (unsigned char)c;
    return d;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++) if (*x != *y) return *x - *y;
    return 0;
}

size_t strlen(const char *s) { const char *p = s; while (*p) p++; return (size_t)(p - s); }

void __aeabi_memcpy(void *d, const void *s, size_t n) { memcpy(d, s, n); }
void __aeabi_memcpy4(void *d, const void *s, size_t n) { memcpy(d, s, n); }
void __aeabi_memcpy8(void *d, const void *s, size_t n) { memcpy(d, s, n); }
void __aeabi_memmove(void *d, const void *s, size_t n) { memmove(d, s, n); }
void __aeabi_memmove4(void *d, const void *s, size_t n) { memmove(d, s, n); }
void __aeabi_memmove8(void *d, const void *s, size_t n) { memmove(d, s, n); }
void __aeabi_memset(void *d, size_t n, int c) { memset(d, c, n); }
void __aeabi_memset4(void *d, size_t n, int c) { memset(d, c, n); }
void __aeabi_memset8(void *d, size_t n, int c) { memset(d, c, n); }
void __aeabi_memclr(void *d, size_t n) { memset(d, 0, n); }
void __aeabi_memclr4(void *d, size_t n) { memset(d, 0, n); }
void __aeabi_memclr8(void *d, size_t n) { memset(d, 0, n); }

/* ---- Heap: a fixed pool for Embedded Swift's allocations during setup (model verification,
 * allocateTensors' planning arrays). First fit with 16-byte headers; freed neighbours merge.
 * After mcu_heap_seal() every allocation is refused: invoke() must not allocate. ---- */
#ifndef MCU_HEAP_BYTES
#define MCU_HEAP_BYTES (32 * 1024)
#endif
typedef struct { uint32_t size, free, pad[2]; } block_t;   /* payload follows, 16-aligned */
static _Alignas(16) unsigned char heap[MCU_HEAP_BYTES];
static size_t heap_top, heap_peak;
static int heap_sealed;

void mcu_heap_seal(void) { heap_sealed = 1; }
void mcu_heap_unseal(void) { heap_sealed = 0; }
uint32_t mcu_heap_peak(void) { return (uint32_t)heap_peak; }
uint32_t mcu_heap_capacity(void) { return MCU_HEAP_BYTES; }

static void heap_refuse(const char *why, size_t size) {
    mcu_puts("\n*** heap: "); mcu_puts(why); mcu_puts(" ("); put_uint((uint32_t)size);
    mcu_puts(" bytes)\n");
    mcu_exit(3);
}

/* Merges free block b with the free blocks after it; gives the tail back to the frontier. */
static void heap_merge(block_t *b) {
    for (;;) {
        size_t end = (size_t)((unsigned char *)b - heap) + sizeof(block_t) + b->size;
        if (end >= heap_top) { heap_top = (size_t)((unsigned char *)b - heap); return; }
        block_t *n = (block_t *)(heap + end);
        if (!n->free) return;
        b->size += sizeof(block_t) + n->size;
    }
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    if (heap_sealed) heap_refuse("allocation after initialization refused: invoke() must not allocate", size);
    if (alignment > 16) heap_refuse("alignment above 16 bytes is not supported", alignment);
    if (size > MCU_HEAP_BYTES) heap_refuse("out of memory; build with a larger HEAP_BYTES", size);
    size_t need = (size + 15) & ~(size_t)15;
    if (need == 0) need = 16;
    for (size_t at = 0; at < heap_top;) {
        block_t *b = (block_t *)(heap + at);
        if (b->free) {
            heap_merge(b);
            if (at >= heap_top) break;
            if (b->size >= need) {
                if (b->size >= need + 2 * sizeof(block_t)) {
                    block_t *rest = (block_t *)((unsigned char *)(b + 1) + need);
                    rest->size = b->size - need - (uint32_t)sizeof(block_t);
                    rest->free = 1;
                    b->size = (uint32_t)need;
                }
                b->free = 0;
                *out = b + 1;
                return 0;
            }
        }
        at += sizeof(block_t) + b->size;
    }
    if (MCU_HEAP_BYTES - heap_top < need + sizeof(block_t)) heap_refuse("out of memory; build with a larger HEAP_BYTES", size);
    block_t *b = (block_t *)(heap + heap_top);
    b->size = (uint32_t)need;
    b->free = 0;
    heap_top += sizeof(block_t) + need;
    if (heap_top > heap_peak) heap_peak = heap_top;
    *out = b + 1;
    return 0;
}

void free(void *p) {
    if (!p) return;
    block_t *b = (block_t *)p - 1;
    b->free = 1;
    heap_merge(b);
}

/* Hash seeding for Swift's Set/Dictionary: deterministic is fine on a device with no entropy. */
void arc4random_buf(void *buf, size_t n) {
    static uint32_t s = 0x2545F491u;
    unsigned char *p = buf;
    while (n--) { s ^= s << 13; s ^= s >> 17; s ^= s << 5; *p++ = (unsigned char)s; }
}

/* Stack protector support, in case code is built with it. */
uintptr_t __stack_chk_guard = 0xE2DEE396u;
__attribute__((noreturn)) void __stack_chk_fail(void) { mcu_puts("\n*** stack smashing detected\n"); mcu_exit(4); }

/* ---- Stack use: painted at reset, measured on request. ---- */
extern uint32_t __stack_limit[], __stack_top[];
#define STACK_PAINT 0xC5C5C5C5u
void mcu_stack_paint(void) {
    uint32_t *sp;
    MCU_SP(sp);
    for (volatile uint32_t *p = __stack_limit; p < sp - 16; p++) *p = STACK_PAINT;
}
uint32_t mcu_stack_used(void) {
    uint32_t *p = __stack_limit;
    while (p < __stack_top && *p == STACK_PAINT) p++;
    return (uint32_t)((uintptr_t)__stack_top - (uintptr_t)p);
}
uint32_t mcu_stack_capacity(void) { return (uint32_t)((uintptr_t)__stack_top - (uintptr_t)__stack_limit); }
