/* softfp_v6m.c: what ARMv6-M (Cortex-M0/M0+, no FPU, no divide, no 32x32->64 multiply, no
 * exclusive loads/stores) additionally needs, on top of softfp.c's double routines:
 *
 * - single-precision float arithmetic, comparisons and conversions. Each float operation is
 *   done in double with softfp.c and rounded once to float: for +, -, *, / a double (53-bit)
 *   intermediate cannot double-round a float (24-bit) result (53 >= 2 * 24 + 2), so every
 *   result is the correctly rounded IEEE float, as an FPU gives;
 * - 32-bit division (__aeabi_idiv & co.), 64-bit multiplication (__aeabi_lmul), __clzsi2;
 * - the 4-byte __atomic_* calls Embedded Swift's reference counting makes: the M0 has one
 *   core, so masking interrupts (PRIMASK) around a read-modify-write makes it atomic.
 *
 * Compiled for every target; empty unless the target is Thumb-1 only (ARMv6-M). Compile at
 * -O2 like softfp.c. Checked against the host FPU by Firmware/Tests/softfp_test.sh. */
#include <stdint.h>
#include <stdbool.h>

typedef uint64_t u64;
typedef int64_t i64;
typedef uint32_t u32;
typedef int32_t i32;

u64 sf_add(u64 a, u64 b);
u64 sf_sub(u64 a, u64 b);
u64 sf_mul(u64 a, u64 b);
u64 sf_div(u64 a, u64 b);
int sf_cmp(u64 a, u64 b);
u64 sf_from_f32(u32 f);
u32 sf_to_f32(u64 a);
u64 sf_from_u64(u64 mag, u64 sign);
u64 sf_from_i64(i64 v);
u32 sf_f32_from_i64(i64 v);
i64 sf_to_i64(u64 a);
i32 sf_to_i32(u64 a);

/* ---- Portable cores (also compiled on the host by Firmware/Tests/softfp_test.c). ---- */
u32 sf_fadd(u32 a, u32 b) { return sf_to_f32(sf_add(sf_from_f32(a), sf_from_f32(b))); }
u32 sf_fsub(u32 a, u32 b) { return sf_to_f32(sf_sub(sf_from_f32(a), sf_from_f32(b))); }
u32 sf_fmul(u32 a, u32 b) { return sf_to_f32(sf_mul(sf_from_f32(a), sf_from_f32(b))); }
u32 sf_fdiv(u32 a, u32 b) { return sf_to_f32(sf_div(sf_from_f32(a), sf_from_f32(b))); }
int sf_fcmp(u32 a, u32 b) { return sf_cmp(sf_from_f32(a), sf_from_f32(b)); }

/* 32 x 32 -> 64 from 16-bit halves: ARMv6-M's MULS keeps only the low 32 bits. */
u64 sf_umul32x32(u32 a, u32 b) {
    u32 al = a & 0xFFFFu, ah = a >> 16, bl = b & 0xFFFFu, bh = b >> 16;
    u32 ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    u32 mid = (ll >> 16) + (lh & 0xFFFFu) + (hl & 0xFFFFu);
    u32 lo = (ll & 0xFFFFu) | (mid << 16);
    u32 hi = hh + (lh >> 16) + (hl >> 16) + (mid >> 16);
    return ((u64)hi << 32) | lo;
}

u64 sf_lmul(u64 a, u64 b) {
    u32 alo = (u32)a, ahi = (u32)(a >> 32), blo = (u32)b, bhi = (u32)(b >> 32);
    u64 low = sf_umul32x32(alo, blo);
    u32 cross = alo * bhi + ahi * blo;
    return low + ((u64)cross << 32);
}

/* Restoring division; a zero divisor gives quotient 0 and remainder n. */
u32 sf_udivmod32(u32 n, u32 d, u32 *rem) {
    if (d == 0) { *rem = n; return 0; }
    u32 q = 0, r = 0;
    for (int i = 31; i >= 0; i--) {
        r = (r << 1) | ((n >> i) & 1u);
        if (r >= d) { r -= d; q |= 1u << i; }
    }
    *rem = r;
    return q;
}

i32 sf_sdivmod32(i32 n, i32 d, i32 *rem) {   /* C semantics: truncates toward zero */
    u32 un = n < 0 ? 0u - (u32)n : (u32)n, ud = d < 0 ? 0u - (u32)d : (u32)d, ur;
    u32 uq = sf_udivmod32(un, ud, &ur);
    *rem = n < 0 ? (i32)(0u - ur) : (i32)ur;
    return (n < 0) != (d < 0) ? (i32)(0u - uq) : (i32)uq;
}

int sf_clz32(u32 x) {
    if (x == 0) return 32;
    int n = 0;
    if (!(x & 0xFFFF0000u)) { n += 16; x <<= 16; }
    if (!(x & 0xFF000000u)) { n += 8; x <<= 8; }
    if (!(x & 0xF0000000u)) { n += 4; x <<= 4; }
    if (!(x & 0xC0000000u)) { n += 2; x <<= 2; }
    if (!(x & 0x80000000u)) { n += 1; }
    return n;
}

/* 64-bit shifts (0 <= n < 64) from 32-bit ones: on ARMv6-M a C shift of a 64-bit value by a
 * variable amount calls __aeabi_llsl & co., so these must not use one. */
static inline u64 join(u32 hi, u32 lo) { return ((u64)hi << 32) | lo; }
u64 sf_shl64(u64 a, int n) {
    u32 lo = (u32)a, hi = (u32)(a >> 32);
    if (n >= 32) return join(lo << (n - 32), 0);
    if (n == 0) return a;
    return join((hi << n) | (lo >> (32 - n)), lo << n);
}
u64 sf_shr64(u64 a, int n) {
    u32 lo = (u32)a, hi = (u32)(a >> 32);
    if (n >= 32) return join(0, hi >> (n - 32));
    if (n == 0) return a;
    return join(hi >> n, (lo >> n) | (hi << (32 - n)));
}
i64 sf_sar64(i64 a, int n) {
    u32 lo = (u32)a;
    i32 hi = (i32)(u32)((u64)a >> 32);
    if (n >= 32) return (i64)join((u32)(hi >> 31), (u32)(hi >> (n - 32)));
    if (n == 0) return a;
    return (i64)join((u32)(hi >> n), (lo >> n) | ((u32)hi << (32 - n)));
}

u32 sf_f32_from_u64(u64 v) {
    if (v >> 63 == 0) return sf_f32_from_i64((i64)v);
    /* Halve with a sticky bit (the float rounds the same), convert, double exactly. */
    u32 half = sf_f32_from_i64((i64)((v >> 1) | (v & 1u)));
    return half + (1u << 23);   /* exponent + 1: exact, v < 2^64 stays finite */
}

#if defined(__arm__) && __ARM_ARCH_ISA_THUMB == 1
/* ---- The ARM run-time ABI names (RTABI), base AAPCS. ---- */
#define AEABI __attribute__((pcs("aapcs"), used))
static inline u32 F2U(float f) { u32 u; __builtin_memcpy(&u, &f, 4); return u; }
static inline float U2F(u32 u) { float f; __builtin_memcpy(&f, &u, 4); return f; }

AEABI float __aeabi_fadd(float a, float b) { return U2F(sf_fadd(F2U(a), F2U(b))); }
AEABI float __aeabi_fsub(float a, float b) { return U2F(sf_fsub(F2U(a), F2U(b))); }
AEABI float __aeabi_frsub(float a, float b) { return U2F(sf_fsub(F2U(b), F2U(a))); }
AEABI float __aeabi_fmul(float a, float b) { return U2F(sf_fmul(F2U(a), F2U(b))); }
AEABI float __aeabi_fdiv(float a, float b) { return U2F(sf_fdiv(F2U(a), F2U(b))); }
AEABI int __aeabi_fcmpeq(float a, float b) { return sf_fcmp(F2U(a), F2U(b)) == 0; }
AEABI int __aeabi_fcmplt(float a, float b) { return sf_fcmp(F2U(a), F2U(b)) == -1; }
AEABI int __aeabi_fcmple(float a, float b) { int c = sf_fcmp(F2U(a), F2U(b)); return c == -1 || c == 0; }
AEABI int __aeabi_fcmpgt(float a, float b) { return sf_fcmp(F2U(a), F2U(b)) == 1; }
AEABI int __aeabi_fcmpge(float a, float b) { int c = sf_fcmp(F2U(a), F2U(b)); return c == 1 || c == 0; }
AEABI int __aeabi_fcmpun(float a, float b) { return sf_fcmp(F2U(a), F2U(b)) == 2; }
AEABI int __aeabi_f2iz(float f) { return sf_to_i32(sf_from_f32(F2U(f))); }
AEABI unsigned __aeabi_f2uiz(float f) { i64 v = sf_to_i64(sf_from_f32(F2U(f))); return v < 0 ? 0 : v > 0xFFFFFFFFLL ? 0xFFFFFFFFu : (unsigned)v; }
AEABI long long __aeabi_f2lz(float f) { return sf_to_i64(sf_from_f32(F2U(f))); }
AEABI unsigned long long __aeabi_f2ulz(float f) { i64 v = sf_to_i64(sf_from_f32(F2U(f))); return v < 0 ? 0 : (unsigned long long)v; }
AEABI float __aeabi_i2f(int v) { return U2F(sf_f32_from_i64(v)); }
AEABI float __aeabi_ui2f(unsigned v) { return U2F(sf_f32_from_i64(v)); }
AEABI float __aeabi_ul2f(unsigned long long v) { return U2F(sf_f32_from_u64(v)); }

AEABI long long __aeabi_lmul(long long a, long long b) { return (long long)sf_lmul((u64)a, (u64)b); }
AEABI unsigned __aeabi_uidiv(unsigned n, unsigned d) { u32 r; return sf_udivmod32(n, d, &r); }
AEABI int __aeabi_idiv(int n, int d) { i32 r; return sf_sdivmod32(n, d, &r); }
/* {quotient r0, remainder r1}: returned as one 64-bit value, low word first. */
AEABI u64 __aeabi_uidivmod(unsigned n, unsigned d) { u32 r, q = sf_udivmod32(n, d, &r); return ((u64)r << 32) | q; }
AEABI u64 __aeabi_idivmod(int n, int d) { i32 r, q = sf_sdivmod32(n, d, &r); return ((u64)(u32)r << 32) | (u32)q; }
AEABI u64 __aeabi_llsl(u64 a, int n) { return sf_shl64(a, n); }
AEABI u64 __aeabi_llsr(u64 a, int n) { return sf_shr64(a, n); }
AEABI i64 __aeabi_lasr(i64 a, int n) { return sf_sar64(a, n); }
int __clzsi2(u32 x) { return sf_clz32(x); }
int __clzdi2(u64 x) { return (u32)(x >> 32) ? sf_clz32((u32)(x >> 32)) : 32 + sf_clz32((u32)x); }

/* ---- 4-byte atomics: one core, so a read-modify-write with interrupts masked. ---- */
static inline u32 irq_save(void) { u32 m; __asm volatile("mrs %0, primask\n cpsid i" : "=r"(m) :: "memory"); return m; }
static inline void irq_restore(u32 m) { __asm volatile("msr primask, %0" :: "r"(m) : "memory"); }

u32 mcu_atomic_load_4(const volatile void *p, int order) __asm__("__atomic_load_4");
u32 mcu_atomic_load_4(const volatile void *p, int order) { (void)order; return *(const volatile u32 *)p; }
void mcu_atomic_store_4(volatile void *p, u32 v, int order) __asm__("__atomic_store_4");
void mcu_atomic_store_4(volatile void *p, u32 v, int order) { (void)order; *(volatile u32 *)p = v; }
#define RMW(name, expr) \
    u32 mcu_atomic_##name(volatile void *p, u32 v, int order) __asm__("__atomic_" #name); \
    u32 mcu_atomic_##name(volatile void *p, u32 v, int order) { \
        (void)order; u32 m = irq_save(); volatile u32 *q = p; u32 old = *q; *q = (expr); irq_restore(m); return old; }
RMW(fetch_add_4, old + v)
RMW(fetch_sub_4, old - v)
RMW(fetch_and_4, old & v)
RMW(fetch_or_4, old | v)
RMW(fetch_xor_4, old ^ v)
RMW(exchange_4, v)
bool mcu_atomic_cas_4(volatile void *p, void *expected, u32 desired, bool weak, int s, int f) __asm__("__atomic_compare_exchange_4");
bool mcu_atomic_cas_4(volatile void *p, void *expected, u32 desired, bool weak, int s, int f) {
    (void)weak; (void)s; (void)f;
    u32 m = irq_save();
    volatile u32 *q = p;
    u32 old = *q;
    bool same = old == *(u32 *)expected;
    if (same) *q = desired; else *(u32 *)expected = old;
    irq_restore(m);
    return same;
}
#endif
