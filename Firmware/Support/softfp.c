/* softfp.c: the compiler-support routines Embedded Swift code calls on a Cortex-M4F.
 *
 * The M4's FPU is single precision only, and the Swift toolchain ships no compiler-rt
 * builtins for bare-metal ARM, so this file provides what the runtime references:
 * IEEE-754 double arithmetic, comparisons and conversions (round to nearest, ties to even,
 * bit-exact with hardware doubles), 64-bit shifts and division, and floor/ceil/rint/round/
 * roundf. The runtime uses doubles only in prepare (multiplier computation), as TFLM does.
 *
 * Everything works on bit patterns with integer arithmetic, so the core is portable:
 * Firmware/Tests/softfp_test.c compiles it on the host and compares it with the host FPU.
 * Compile at -O2 (not -Os/-Oz): at minsize clang itself turns 64-bit shifts into calls to
 * __aeabi_llsl & co., which would recurse here. */
#include <stdint.h>

typedef uint64_t u64;
typedef int64_t i64;
typedef uint32_t u32;
typedef int32_t i32;

#define SF_SIGN 0x8000000000000000ULL
#define SF_EXP 0x7FF0000000000000ULL
#define SF_FRAC 0x000FFFFFFFFFFFFFULL
#define SF_QNAN 0x7FF8000000000000ULL
#define SF_IMPL 0x0010000000000000ULL

static inline int sf_isnan(u64 a) { return (a & ~SF_SIGN) > SF_EXP; }
static inline int sf_clz64(u64 x) { return __builtin_clzll(x); } /* x != 0 */

/* Shifts right by n (any n >= 0), ORing every bit shifted out into bit 0. */
static inline u64 sf_shr_sticky(u64 x, int n) {
    if (n <= 0) return x;
    if (n >= 64) return x != 0;
    return (x >> n) | ((x << (64 - n)) != 0);
}

/* Splits a finite nonzero double into e (biased) and sig with bit 62 set, value = sig * 2^(e-1023-62). */
static inline void sf_unpack(u64 a, int *e, u64 *sig) {
    int ex = (int)((a >> 52) & 0x7FF);
    u64 f = a & SF_FRAC;
    if (ex) { *e = ex; *sig = (f | SF_IMPL) << 10; return; }
    u64 s = f << 10;
    int n = sf_clz64(s) - 1;
    *e = 1 - n;
    *sig = s << n;
}

/* Rounds sig * 2^(e-1023-62) (sig has bit 62 set, or is 0) to a double. */
static u64 sf_round_pack(u64 sign, int e, u64 sig) {
    if (sig == 0) return sign;
    if (e >= 0x7FF) return sign | SF_EXP;
    if (e <= 0) { sig = sf_shr_sticky(sig, 1 - e); e = 0; }
    u64 m = sig >> 10;
    u32 rem = (u32)(sig & 0x3FF);
    if (rem > 0x200 || (rem == 0x200 && (m & 1))) m++;
    u64 r = e == 0 ? m : ((u64)(e - 1) << 52) + m;
    if ((r & SF_EXP) == SF_EXP) return sign | SF_EXP;
    return sign | r;
}

/* Rounds sig * 2^(e-1023-62) (sig bit 62 set, or 0) to a float's bits. */
static u32 sf_round_pack_f(u32 sign, int e, u64 sig) {
    if (sig == 0) return sign;
    int ef = e - 1023 + 127;
    if (ef >= 0xFF) return sign | 0x7F800000u;
    if (ef <= 0) { sig = sf_shr_sticky(sig, 1 - ef); ef = 0; }
    u32 m = (u32)(sig >> 39);
    u64 rem = sig & ((1ULL << 39) - 1);
    const u64 half = 1ULL << 38;
    if (rem > half || (rem == half && (m & 1))) m++;
    u32 r = ef == 0 ? m : ((u32)(ef - 1) << 23) + m;
    if ((r & 0x7F800000u) == 0x7F800000u) return sign | 0x7F800000u;
    return sign | r;
}

u64 sf_add(u64 a, u64 b) {
    if (sf_isnan(a) || sf_isnan(b)) return SF_QNAN;
    u64 aa = a & ~SF_SIGN, ba = b & ~SF_SIGN;
    if (aa == SF_EXP) return (ba == SF_EXP && (a ^ b) == SF_SIGN) ? SF_QNAN : a;
    if (ba == SF_EXP) return b;
    if (aa == 0) return ba == 0 ? (a & b) : b;   /* -0 + -0 = -0, else +0 */
    if (ba == 0) return a;
    if (ba > aa) { u64 t = a; a = b; b = t; }   /* |a| >= |b| */
    u64 sign = a & SF_SIGN;
    int ea, eb; u64 sa, sb;
    sf_unpack(a, &ea, &sa);
    sf_unpack(b, &eb, &sb);
    sb = sf_shr_sticky(sb, ea - eb);
    if ((a ^ b) & SF_SIGN) {
        u64 s = sa - sb;
        if (s == 0) return 0;                   /* x - x = +0 */
        int n = sf_clz64(s) - 1;
        return sf_round_pack(sign, ea - n, s << n);
    }
    u64 s = sa + sb;
    if (s >> 63) { s = (s >> 1) | (s & 1); ea++; }
    return sf_round_pack(sign, ea, s);
}

u64 sf_sub(u64 a, u64 b) { return sf_add(a, b ^ SF_SIGN); }

/* 64 x 64 -> 128 */
static inline void sf_mul128(u64 a, u64 b, u64 *hi, u64 *lo) {
    u64 a0 = (u32)a, a1 = a >> 32, b0 = (u32)b, b1 = b >> 32;
    u64 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    u64 mid = (p00 >> 32) + (u32)p01 + (u32)p10;
    *lo = (mid << 32) | (u32)p00;
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

u64 sf_mul(u64 a, u64 b) {
    if (sf_isnan(a) || sf_isnan(b)) return SF_QNAN;
    u64 sign = (a ^ b) & SF_SIGN;
    u64 aa = a & ~SF_SIGN, ba = b & ~SF_SIGN;
    if (aa == SF_EXP) return ba == 0 ? SF_QNAN : sign | SF_EXP;
    if (ba == SF_EXP) return aa == 0 ? SF_QNAN : sign | SF_EXP;
    if (aa == 0 || ba == 0) return sign;
    int ea, eb; u64 sa, sb;
    sf_unpack(a, &ea, &sa);
    sf_unpack(b, &eb, &sb);
    u64 hi, lo;
    sf_mul128(sa >> 10, sb >> 10, &hi, &lo);   /* product in [2^104, 2^106) */
    int e;
    u64 sig;
    if (hi >> 41) { sig = (hi << 21) | (lo >> 43) | ((lo << 21) != 0); e = ea + eb - 1022; }
    else { sig = (hi << 22) | (lo >> 42) | ((lo << 22) != 0); e = ea + eb - 1023; }
    return sf_round_pack(sign, e, sig);
}

u64 sf_div(u64 a, u64 b) {
    if (sf_isnan(a) || sf_isnan(b)) return SF_QNAN;
    u64 sign = (a ^ b) & SF_SIGN;
    u64 aa = a & ~SF_SIGN, ba = b & ~SF_SIGN;
    if (aa == SF_EXP) return ba == SF_EXP ? SF_QNAN : sign | SF_EXP;
    if (ba == SF_EXP) return sign;
    if (ba == 0) return aa == 0 ? SF_QNAN : sign | SF_EXP;
    if (aa == 0) return sign;
    int ea, eb; u64 sa, sb;
    sf_unpack(a, &ea, &sa);
    sf_unpack(b, &eb, &sb);
    u64 r = sa >> 10, d = sb >> 10, q = 0;
    for (int i = 63; i >= 0; i--) {             /* q = floor(r / d * 2^63) */
        if (r >= d) { r -= d; q |= 1ULL << i; }
        r <<= 1;
    }
    u64 sticky = r != 0;
    if (q >> 63) return sf_round_pack(sign, ea - eb + 1023, (q >> 1) | (q & 1) | sticky);
    return sf_round_pack(sign, ea - eb + 1022, q | sticky);
}

/* -1 less, 0 equal, 1 greater, 2 unordered */
int sf_cmp(u64 a, u64 b) {
    if (sf_isnan(a) || sf_isnan(b)) return 2;
    if (((a | b) & ~SF_SIGN) == 0) return 0;
    i64 ka = (a & SF_SIGN) ? -(i64)(a & ~SF_SIGN) : (i64)a;
    i64 kb = (b & SF_SIGN) ? -(i64)(b & ~SF_SIGN) : (i64)b;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
}

u64 sf_from_f32(u32 f) {
    u64 sign = (u64)(f >> 31) << 63;
    u32 ex = (f >> 23) & 0xFF, m = f & 0x7FFFFF;
    if (ex == 0xFF) return m ? SF_QNAN | sign | ((u64)m << 29) : sign | SF_EXP;
    if (ex == 0) {
        if (m == 0) return sign;
        int n = __builtin_clz(m) - 8;            /* bring the top bit to bit 23 */
        m <<= n;
        return sign | ((u64)(1 - n - 127 + 1023) << 52) | ((u64)(m & 0x7FFFFF) << 29);
    }
    return sign | ((u64)(ex - 127 + 1023) << 52) | ((u64)m << 29);
}

u32 sf_to_f32(u64 a) {
    u32 sign = (u32)(a >> 32) & 0x80000000u;
    u64 aa = a & ~SF_SIGN;
    if (aa > SF_EXP) return sign | 0x7FC00000u | (u32)((a & SF_FRAC) >> 29);
    if (aa == SF_EXP) return sign | 0x7F800000u;
    if (aa == 0) return sign;
    int e; u64 sig;
    sf_unpack(a, &e, &sig);
    return sf_round_pack_f(sign, e, sig);
}

static inline void sf_norm_u64(u64 mag, int *e, u64 *sig) {
    int n = sf_clz64(mag);
    *e = 1086 - n;
    *sig = n == 0 ? (mag >> 1) | (mag & 1) : mag << (n - 1);
}

u64 sf_from_u64(u64 mag, u64 sign) {
    if (mag == 0) return 0;
    int e; u64 sig;
    sf_norm_u64(mag, &e, &sig);
    return sf_round_pack(sign, e, sig);
}
u64 sf_from_i64(i64 v) { return v < 0 ? sf_from_u64(0 - (u64)v, SF_SIGN) : sf_from_u64((u64)v, 0); }

u32 sf_f32_from_i64(i64 v) {
    if (v == 0) return 0;
    u32 sign = v < 0 ? 0x80000000u : 0;
    u64 mag = v < 0 ? 0 - (u64)v : (u64)v;
    int e; u64 sig;
    sf_norm_u64(mag, &e, &sig);
    return sf_round_pack_f(sign, e, sig);
}

/* Truncates toward zero; saturates out of range, NaN gives 0. */
i64 sf_to_i64(u64 a) {
    if (sf_isnan(a)) return 0;
    int ex = (int)((a >> 52) & 0x7FF) - 1023;
    if (ex < 0) return 0;
    int neg = (a & SF_SIGN) != 0;
    if (ex >= 63) return neg ? INT64_MIN : INT64_MAX;
    u64 m = (a & SF_FRAC) | SF_IMPL;
    u64 v = ex >= 52 ? m << (ex - 52) : m >> (52 - ex);
    return neg ? -(i64)v : (i64)v;
}
i32 sf_to_i32(u64 a) {
    i64 v = sf_to_i64(a);
    return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (i32)v;
}

/* Rounding to integral values. mode: 0 floor, 1 ceil, 2 round (half away from zero), 3 rint (half even) */
u64 sf_round_int(u64 a, int mode) {
    int ex = (int)((a >> 52) & 0x7FF) - 1023;
    if (ex >= 52) return a;                      /* integral, inf or NaN */
    int neg = (a & SF_SIGN) != 0;
    u64 one = 0x3FF0000000000000ULL;
    if (ex < 0) {
        if ((a & ~SF_SIGN) == 0) return a;
        switch (mode) {
        case 0: return neg ? SF_SIGN | one : 0;
        case 1: return neg ? SF_SIGN : one;
        case 2: return (a & SF_SIGN) | (ex == -1 ? one : 0);
        default: return (a & SF_SIGN) | ((a & ~SF_SIGN) > 0x3FE0000000000000ULL ? one : 0);
        }
    }
    u64 fracmask = SF_FRAC >> ex;
    u64 frac = a & fracmask;
    if (frac == 0) return a;
    u64 unit = fracmask + 1, ip = a & ~fracmask;
    switch (mode) {
    case 0: return neg ? ip + unit : ip;
    case 1: return neg ? ip : ip + unit;
    case 2: return frac >= (unit >> 1) ? ip + unit : ip;
    default: {
        u64 half = unit >> 1;
        return (frac > half || (frac == half && (a & unit))) ? ip + unit : ip;
    }
    }
}

u32 sf_roundf(u32 f) {                         /* half away from zero */
    int ex = (int)((f >> 23) & 0xFF) - 127;
    if ((f & 0x7FFFFFFFu) > 0x7F800000u) return f | 0x400000u;   /* quiet NaN */
    if (ex >= 23) return f;
    if (ex < 0) return (f & 0x80000000u) | (ex == -1 ? 0x3F800000u : 0);
    u32 fracmask = 0x7FFFFFu >> ex, frac = f & fracmask;
    if (frac == 0) return f;
    u32 unit = fracmask + 1, ip = f & ~fracmask;
    return frac >= (unit >> 1) ? ip + unit : ip;
}

/* 64-bit unsigned division; division by zero gives all ones (callers check first). */
u64 sf_udivmod64(u64 n, u64 d, u64 *rem) {
    if (d == 0) { *rem = n; return ~0ULL; }
    if ((n >> 32) == 0 && (d >> 32) == 0) {
        u32 q = (u32)n / (u32)d;
        *rem = (u32)n - q * (u32)d;
        return q;
    }
    if (n < d) { *rem = n; return 0; }
    int s = sf_clz64(d) - sf_clz64(n);
    d <<= s;
    u64 q = 0;
    for (int i = 0; i <= s; i++) {
        q <<= 1;
        if (n >= d) { n -= d; q |= 1; }
        d >>= 1;
    }
    *rem = n;
    return q;
}

i64 sf_sdivmod64(i64 n, i64 d, i64 *rem) {
    u64 un = n < 0 ? 0 - (u64)n : (u64)n, ud = d < 0 ? 0 - (u64)d : (u64)d, ur;
    u64 q = sf_udivmod64(un, ud, &ur);
    *rem = n < 0 ? -(i64)ur : (i64)ur;
    return (n < 0) != (d < 0) ? -(i64)q : (i64)q;
}

/* ---- sqrt and fmod (what the float kernels need from a libm; there is none on the MCU). ---- */

/* Mantissa with its implicit bit (bit `bits - 1` set) and unbiased exponent of the value
 * m * 2^(k) for a finite nonzero double: a = m * 2^k, m in [2^52, 2^53). */
static inline void sf_split(u64 a, u64 *m, int *k) {
    int ex = (int)((a >> 52) & 0x7FF);
    u64 f = a & SF_FRAC;
    if (ex) { *m = f | SF_IMPL; *k = ex - 1075; return; }
    int shift = sf_clz64(f) - 11;              /* subnormal: normalise to bit 52 */
    *m = f << shift; *k = -1074 - shift;
}

/* Square root, correctly rounded (to nearest, ties to even), digit by digit: the radicand
 * m * 2^shift (2 * steps bits) gives its root q (steps bits) two bits at a time; the
 * remainder tells whether the root is exact. Root and remainder fit 64 bits. */
u64 sf_sqrt(u64 a) {
    if ((a & ~SF_SIGN) == 0) return a;                          /* +-0 */
    if (sf_isnan(a)) return a | SF_QNAN;                        /* quiet NaN, payload kept */
    if (a & SF_SIGN) return SF_QNAN | SF_SIGN;                  /* negative: NaN (as x86's sqrtsd) */
    if (a == SF_EXP) return a;                                  /* +inf */
    u64 m; int k;
    sf_split(a, &m, &k);
    /* radicand N = m << S, N in [2^110, 2^112), S in {58, 59} with k - S even; q in [2^55, 2^56). */
    int S = ((k - 58) & 1) ? 59 : 58, steps = 56;
    u64 q = 0, r = 0;
    for (int i = 0; i < steps; i++) {
        int p = 2 * steps - 2 - 2 * i - S;                      /* bit of m at the pair's low bit */
        u64 two = p >= 0 ? (m >> p) & 3 : p == -1 ? (m << 1) & 3 : 0;
        r = (r << 2) | two;
        u64 t = (q << 2) | 1;
        if (r >= t) { r -= t; q = (q << 1) | 1; } else { q <<= 1; }
    }
    /* value = (q + frac) * 2^((k - S) / 2); keep 53 bits, round on the 3 below and the remainder. */
    int e = (k - S) / 2 + 3;
    u64 mant = q >> 3, low = (q & 7) | (r != 0);
    if (low > 4 || (low == 4 && (mant & 1))) mant++;
    if (mant >> 53) { mant >>= 1; e++; }
    return ((u64)(e + 52 + 1023) << 52) | (mant & SF_FRAC);   /* the root of a double is always normal */
}

/* fmod: x - trunc(x / y) * y, exact (the result is always representable), by shift-and-subtract
 * on the mantissas. */
u64 sf_fmod(u64 a, u64 b) {
    u64 sign = a & SF_SIGN, ua = a & ~SF_SIGN, ub = b & ~SF_SIGN;
    if (sf_isnan(a)) return a | SF_QNAN;                        /* a NaN operand, quieted, as hardware */
    if (sf_isnan(b)) return b | SF_QNAN;
    if (ua == SF_EXP || ub == 0) return SF_QNAN;
    if (ub == SF_EXP || ua < ub) return a;                      /* |x| < |y| (or y infinite): x */
    if (ua == ub) return sign;                                  /* +-0 */
    u64 mx, my; int kx, ky;
    sf_split(ua, &mx, &kx);
    sf_split(ub, &my, &ky);
    for (; kx > ky; kx--) {
        if (mx >= my) mx -= my;
        mx <<= 1;
    }
    if (mx >= my) mx -= my;
    if (mx == 0) return sign;
    int shift = sf_clz64(mx) - 11;                              /* back to bit 52 */
    mx <<= shift; kx -= shift;
    if (kx >= -1074) return sign | ((u64)(kx + 1075) << 52) | (mx & SF_FRAC);
    return sign | (mx >> (-1074 - kx));                         /* subnormal: the bits shifted out are 0 */
}

static inline u64 D2U(double d) { u64 u; __builtin_memcpy(&u, &d, 8); return u; }
static inline double U2D(u64 u) { double d; __builtin_memcpy(&d, &u, 8); return d; }
static inline u32 F2U(float f) { u32 u; __builtin_memcpy(&u, &f, 4); return u; }
static inline float U2F(u32 u) { float f; __builtin_memcpy(&f, &u, 4); return f; }

#if defined(__arm__)
/* ---- The ARM run-time ABI names (RTABI), base AAPCS: doubles in r0:r1 / r2:r3. ---- */
#define AEABI __attribute__((pcs("aapcs"), used))

AEABI double __aeabi_dadd(double a, double b) { return U2D(sf_add(D2U(a), D2U(b))); }
AEABI double __aeabi_dsub(double a, double b) { return U2D(sf_sub(D2U(a), D2U(b))); }
AEABI double __aeabi_drsub(double a, double b) { return U2D(sf_sub(D2U(b), D2U(a))); }
AEABI double __aeabi_dmul(double a, double b) { return U2D(sf_mul(D2U(a), D2U(b))); }
AEABI double __aeabi_ddiv(double a, double b) { return U2D(sf_div(D2U(a), D2U(b))); }
AEABI int __aeabi_dcmpeq(double a, double b) { return sf_cmp(D2U(a), D2U(b)) == 0; }
AEABI int __aeabi_dcmplt(double a, double b) { return sf_cmp(D2U(a), D2U(b)) == -1; }
AEABI int __aeabi_dcmple(double a, double b) { int c = sf_cmp(D2U(a), D2U(b)); return c == -1 || c == 0; }
AEABI int __aeabi_dcmpgt(double a, double b) { return sf_cmp(D2U(a), D2U(b)) == 1; }
AEABI int __aeabi_dcmpge(double a, double b) { int c = sf_cmp(D2U(a), D2U(b)); return c == 1 || c == 0; }
AEABI int __aeabi_dcmpun(double a, double b) { return sf_cmp(D2U(a), D2U(b)) == 2; }
AEABI double __aeabi_f2d(float f) { return U2D(sf_from_f32(F2U(f))); }
AEABI float __aeabi_d2f(double d) { return U2F(sf_to_f32(D2U(d))); }
AEABI double __aeabi_i2d(int v) { return U2D(sf_from_i64(v)); }
AEABI double __aeabi_ui2d(unsigned v) { return U2D(sf_from_u64(v, 0)); }
AEABI double __aeabi_l2d(long long v) { return U2D(sf_from_i64(v)); }
AEABI double __aeabi_ul2d(unsigned long long v) { return U2D(sf_from_u64(v, 0)); }
AEABI float __aeabi_l2f(long long v) { return U2F(sf_f32_from_i64(v)); }
AEABI int __aeabi_d2iz(double d) { return sf_to_i32(D2U(d)); }
AEABI long long __aeabi_d2lz(double d) { return sf_to_i64(D2U(d)); }
AEABI unsigned __aeabi_d2uiz(double d) { i64 v = sf_to_i64(D2U(d)); return v < 0 ? 0 : v > 0xFFFFFFFFLL ? 0xFFFFFFFFu : (unsigned)v; }

#if __ARM_ARCH_ISA_THUMB >= 2   /* ARMv6-M: softfp_v6m.c (a C 64-bit shift calls these there) */
AEABI long long __aeabi_llsl(long long a, int n) { return (long long)((u64)a << n); }
AEABI long long __aeabi_llsr(long long a, int n) { return (long long)((u64)a >> n); }
AEABI long long __aeabi_lasr(long long a, int n) { return a >> n; }
#endif
AEABI int __aeabi_lcmp(long long a, long long b) { return a < b ? -1 : a > b; }
AEABI int __aeabi_ulcmp(unsigned long long a, unsigned long long b) { return a < b ? -1 : a > b; }

/* {quotient r0:r1, remainder r2:r3}: a C function cannot return that pair in registers. */
__attribute__((naked, used)) void __aeabi_uldivmod(void) {
    __asm volatile(
        "push {r4, lr}\n"
        "sub sp, sp, #16\n"
        "add r4, sp, #8\n"
        "str r4, [sp]\n"
        "bl sf_udivmod64\n"
        "ldr r2, [sp, #8]\n"
        "ldr r3, [sp, #12]\n"
        "add sp, sp, #16\n"
        "pop {r4, pc}\n");
}
__attribute__((naked, used)) void __aeabi_ldivmod(void) {
    __asm volatile(
        "push {r4, lr}\n"
        "sub sp, sp, #16\n"
        "add r4, sp, #8\n"
        "str r4, [sp]\n"
        "bl sf_sdivmod64\n"
        "ldr r2, [sp, #8]\n"
        "ldr r3, [sp, #12]\n"
        "add sp, sp, #16\n"
        "pop {r4, pc}\n");
}

#endif

/* libm functions (bare metal: ARM and RISC-V; not in the host test, which compares with the host libm). */
#if defined(__arm__) || defined(__riscv)
double floor(double x) { return U2D(sf_round_int(D2U(x), 0)); }
double ceil(double x) { return U2D(sf_round_int(D2U(x), 1)); }
double round(double x) { return U2D(sf_round_int(D2U(x), 2)); }
double rint(double x) { return U2D(sf_round_int(D2U(x), 3)); }
double trunc(double x) { u64 a = D2U(x); return U2D(sf_round_int(a, (a & SF_SIGN) ? 1 : 0)); }
float roundf(float x) { return U2F(sf_roundf(F2U(x))); }
double sqrt(double x) { return U2D(sf_sqrt(D2U(x))); }
double fmod(double x, double y) { return U2D(sf_fmod(D2U(x), D2U(y))); }
/* The float versions go through the double ones: exact, since every float is a double, the
 * integral results and fmod's are representable as floats, and a double square root (53 bits
 * >= 2 x 24 + 2) rounded to float is the correctly rounded float square root. */
float floorf(float x) { return (float)floor((double)x); }
float ceilf(float x) { return (float)ceil((double)x); }
float truncf(float x) { return (float)trunc((double)x); }
float rintf(float x) { return (float)rint((double)x); }
float fmodf(float x, float y) { return (float)fmod((double)x, (double)y); }
#if defined(__ARM_FP) && (__ARM_FP & 4)
float sqrtf(float x) { float r; __asm("vsqrt.f32 %0, %1" : "=t"(r) : "t"(x)); return r; }
#else
float sqrtf(float x) { return (float)sqrt((double)x); }
#endif
#endif
