/* Host test for Support/softfp.c: compares every routine with the host's hardware doubles on
 * special values and millions of random operands. Run: bash Firmware/Tests/softfp_test.sh */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "../Support/softfp.c"

static u64 d2u(double d) { u64 u; memcpy(&u, &d, 8); return u; }
static double u2d(u64 u) { double d; memcpy(&d, &u, 8); return d; }
static u32 f2u(float f) { u32 u; memcpy(&u, &f, 4); return u; }
static float u2f(u32 u) { float f; memcpy(&f, &u, 4); return f; }

static u64 state = 0x9E3779B97F4A7C15ULL;
static u64 next(void) { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state; }

static const u64 specials[] = {
    0, SF_SIGN, 0x3FF0000000000000ULL, 0xBFF0000000000000ULL, SF_EXP, SF_EXP | SF_SIGN, SF_QNAN,
    1, SF_SIGN | 1, SF_FRAC, SF_IMPL, 0x7FEFFFFFFFFFFFFFULL, 0x3FE0000000000000ULL, 0x3FF8000000000000ULL,
    0x4004000000000000ULL, 0xC004000000000000ULL, 0x4330000000000000ULL, 0x4330000000000001ULL,
    0x3FDFFFFFFFFFFFFFULL, 0x3FE0000000000001ULL, 0x4000000000000000ULL, 0x4340000000000000ULL,
};
#define NSPEC (sizeof specials / sizeof specials[0])

static u64 operand(void) {
    u64 r = next();
    switch (r & 7) {
    case 0: return specials[(r >> 8) % NSPEC];
    case 1: return (r & ~SF_EXP) | ((u64)((1023 + (int)((r >> 52) % 64) - 32) & 0x7FF) << 52); /* near 1 */
    case 2: return r & (SF_FRAC | SF_SIGN);                         /* subnormal */
    case 3: return (r & ~SF_EXP) | ((u64)((r >> 40) % 4) << 52);    /* tiny */
    case 4: return (r & ~SF_EXP) | ((u64)(2040 + (r >> 40) % 7) << 52);  /* huge */
    case 5: return d2u((double)(int64_t)(next() >> (r % 64)));      /* integers */
    default: return r;
    }
}

static long fails;
static void check(const char *what, u64 a, u64 b, u64 got, u64 want) {
    if (got == want) return;
    if (sf_isnan(got) && sf_isnan(want)) return;
    if (fails++ < 20) printf("FAIL %s(%016llx, %016llx) = %016llx, want %016llx\n", what,
                             (unsigned long long)a, (unsigned long long)b, (unsigned long long)got, (unsigned long long)want);
}

/* As check, for float results: any NaN matches any NaN (payloads are not specified). */
static void checkf(const char *what, u64 a, u64 b, u64 got, u64 want) {
    if (((got & 0x7FFFFFFF) > 0x7F800000) && ((want & 0x7FFFFFFF) > 0x7F800000)) return;
    check(what, a, b, got, want);
}

int main(void) {
    long n = 4000000;
    for (long i = 0; i < n; i++) {
        u64 a = operand(), b = operand();
        double x = u2d(a), y = u2d(b);
        check("add", a, b, sf_add(a, b), d2u(x + y));
        check("sub", a, b, sf_sub(a, b), d2u(x - y));
        check("mul", a, b, sf_mul(a, b), d2u(x * y));
        check("div", a, b, sf_div(a, b), d2u(x / y));
        int c = sf_cmp(a, b), w = (isnan(x) || isnan(y)) ? 2 : x < y ? -1 : x > y ? 1 : 0;
        check("cmp", a, b, (u64)c, (u64)w);
        check("to_f32", a, 0, sf_to_f32(a), f2u((float)x));
        u32 f = (u32)next();
        check("from_f32", f, 0, sf_from_f32(f), d2u((double)u2f(f)));
        check("roundf", f, 0, sf_roundf(f), f2u(roundf(u2f(f))));
        i64 v = (i64)(next() >> (next() % 64)) * ((next() & 1) ? -1 : 1);
        check("from_i64", (u64)v, 0, sf_from_i64(v), d2u((double)v));
        check("f32_from_i64", (u64)v, 0, sf_f32_from_i64(v), f2u((float)v));
        if (!isnan(x) && fabs(x) < 9.2e18) check("to_i64", a, 0, (u64)sf_to_i64(a), (u64)(i64)x);
        if (!isnan(x) && fabs(x) < 2.1e9) check("to_i32", a, 0, (u64)(i64)sf_to_i32(a), (u64)(i64)(i32)x);
        check("floor", a, 0, sf_round_int(a, 0), d2u(floor(x)));
        check("ceil", a, 0, sf_round_int(a, 1), d2u(ceil(x)));
        check("round", a, 0, sf_round_int(a, 2), d2u(round(x)));
        check("rint", a, 0, sf_round_int(a, 3), d2u(rint(x)));
        check("sqrt", a, 0, sf_sqrt(a), d2u(sqrt(x)));
        /* the float libm functions are the double routines around f32 <-> f64 conversions */
        u64 fd = sf_from_f32(f);
        float fx = u2f(f);
        checkf("sqrtf", f, 0, sf_to_f32(sf_sqrt(fd)), f2u(sqrtf(fx)));
        checkf("floorf", f, 0, sf_to_f32(sf_round_int(fd, 0)), f2u(floorf(fx)));
        checkf("ceilf", f, 0, sf_to_f32(sf_round_int(fd, 1)), f2u(ceilf(fx)));
        checkf("rintf", f, 0, sf_to_f32(sf_round_int(fd, 3)), f2u(rintf(fx)));
        checkf("truncf", f, 0, sf_to_f32(sf_round_int(fd, (f >> 31) ? 1 : 0)), f2u(truncf(fx)));
        if ((i & 15) == 0) {   /* shift-and-subtract: up to ~2,000 steps for far-apart exponents */
            check("fmod", a, b, sf_fmod(a, b), d2u(fmod(x, y)));
            u32 g = (u32)next();
            checkf("fmodf", f, g, sf_to_f32(sf_fmod(fd, sf_from_f32(g))), f2u(fmodf(fx, u2f(g))));
        }
        u64 p = next() >> (next() % 64), q = next() >> (next() % 64), rem;
        if (q) {
            u64 qq = sf_udivmod64(p, q, &rem);
            check("udiv", p, q, qq, p / q);
            check("umod", p, q, rem, p % q);
            i64 sp = (i64)p * ((next() & 1) ? -1 : 1), sq = (i64)(q >> 1 | 1) * ((next() & 1) ? -1 : 1), srem;
            i64 sqq = sf_sdivmod64(sp, sq, &srem);
            check("sdiv", (u64)sp, (u64)sq, (u64)sqq, (u64)(sp / sq));
            check("smod", (u64)sp, (u64)sq, (u64)srem, (u64)(sp % sq));
        }
    }
    printf("softfp: %ld random cases x 29 routines (fmod, fmodf on 1 in 16), %ld mismatches\n", n, fails);
    return fails != 0;
}
