/* Host test for Support/softfp_v6m.c (the ARMv6-M float, division, multiply, shift and clz
 * routines): compares each with the host's hardware on special values and millions of random
 * operands, bit for bit. Run: bash Firmware/Tests/softfp_test.sh */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "../Support/softfp.c"
#include "../Support/softfp_v6m.c"

static u32 f2u(float f) { u32 u; memcpy(&u, &f, 4); return u; }
static float u2f(u32 u) { float f; memcpy(&f, &u, 4); return f; }
static u64 state = 0x2545F4914F6CDD1DULL;
static u64 next(void) { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state; }

static const u32 specials[] = { 0, 0x80000000u, 0x3F800000u, 0xBF800000u, 0x7F800000u, 0xFF800000u, 0x7FC00000u,
    1, 0x80000001u, 0x007FFFFFu, 0x00800000u, 0x7F7FFFFFu, 0x3F000000u, 0x4B000000u, 0x4B000001u, 0x33800000u };
#define NSPEC (sizeof specials / sizeof specials[0])

static u32 operand(void) {
    u64 r = next();
    switch (r & 7) {
    case 0: return specials[(r >> 8) % NSPEC];
    case 1: return ((u32)r & 0x807FFFFFu) | ((u32)((127 + (int)((r >> 40) % 48) - 24) & 0xFF) << 23);  /* near 1 */
    case 2: return (u32)r & 0x807FFFFFu;                                   /* subnormal */
    case 3: return ((u32)r & 0x807FFFFFu) | ((u32)(250 + (r >> 40) % 5) << 23);  /* huge */
    case 4: return f2u((float)(int32_t)((u32)next() >> (r % 32)));         /* integers */
    default: return (u32)r;
    }
}

static long fails;
static void check(const char *what, u64 a, u64 b, u64 got, u64 want, int nan) {
    if (got == want) return;
    if (nan && isnan(u2f((u32)got)) && isnan(u2f((u32)want))) return;
    if (fails++ < 20) printf("FAIL %s(%llx, %llx) = %llx, want %llx\n", what, (unsigned long long)a,
                             (unsigned long long)b, (unsigned long long)got, (unsigned long long)want);
}

int main(void) {
    long n = 2000000;
    for (long i = 0; i < n; i++) {
        u32 a = operand(), b = operand();
        float x = u2f(a), y = u2f(b);
        check("fadd", a, b, sf_fadd(a, b), f2u(x + y), 1);
        check("fsub", a, b, sf_fsub(a, b), f2u(x - y), 1);
        check("fmul", a, b, sf_fmul(a, b), f2u(x * y), 1);
        check("fdiv", a, b, sf_fdiv(a, b), f2u(x / y), 1);
        int c = sf_fcmp(a, b), w = (isnan(x) || isnan(y)) ? 2 : x < y ? -1 : x > y ? 1 : 0;
        check("fcmp", a, b, (u64)(int64_t)c, (u64)(int64_t)w, 0);
        u64 p = next(), q = next();
        u32 s = (u32)(q >> 32), t = (u32)q;
        if (i & 1) t >>= (p % 32);   /* small divisors too */
        check("umul32x32", s, t, sf_umul32x32(s, t), (u64)s * t, 0);
        check("lmul", p, q, sf_lmul(p, q), p * q, 0);
        if (t) {
            u32 r, qq = sf_udivmod32(s, t, &r);
            check("udiv32", s, t, qq, s / t, 0);
            check("umod32", s, t, r, s % t, 0);
            int32_t si = (int32_t)s, ti = (int32_t)t;
            if (!(si == INT32_MIN && ti == -1)) {
                int32_t sr, sq = sf_sdivmod32(si, ti, &sr);
                check("sdiv32", s, t, (u32)sq, (u32)(si / ti), 0);
                check("smod32", s, t, (u32)sr, (u32)(si % ti), 0);
            }
        }
        int k = (int)(p % 64);
        check("shl64", q, k, sf_shl64(q, k), q << k, 0);
        check("shr64", q, k, sf_shr64(q, k), q >> k, 0);
        check("sar64", q, k, (u64)sf_sar64((i64)q, k), (u64)((i64)q >> k), 0);
        u32 z = s >> (p % 33 == 32 ? 31 : p % 33);
        check("clz32", z, 0, (u64)sf_clz32(z), z ? (u64)__builtin_clz(z) : 32, 0);
        check("f32_from_u64", q, 0, sf_f32_from_u64(q >> (k & 1)), f2u((float)(q >> (k & 1))), 0);
    }
    printf("softfp_v6m: %ld random cases x 18 routines, %ld mismatches\n", n, fails);
    return fails != 0;
}
