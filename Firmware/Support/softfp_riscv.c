/* softfp_riscv.c: RISC-V (rv32imac, ilp32: no FPU) only — the libgcc/compiler-rt names the
 * compiler calls for float and double arithmetic, comparisons and conversions, 64-bit
 * division and shifts, over the same portable, host-tested routines as the ARM names (softfp.c,
 * softfp_v6m.c). build.sh's riscv32 target compiles and links with it; nothing runs it. */
#if defined(__riscv)
#include <stdint.h>
typedef uint64_t u64;
typedef int64_t i64;
typedef uint32_t u32;
typedef int32_t i32;

u64 sf_add(u64 a, u64 b);
u64 sf_sub(u64 a, u64 b);
u64 sf_mul(u64 a, u64 b);
u64 sf_div(u64 a, u64 b);
int sf_cmp(u64 a, u64 b);              /* -1, 0, 1; 2 unordered */
u64 sf_from_f32(u32 f);
u32 sf_to_f32(u64 a);
u64 sf_from_i64(i64 v);
u64 sf_from_u64(u64 mag, u64 sign);
u32 sf_f32_from_i64(i64 v);
u32 sf_f32_from_u64(u64 v);
i64 sf_to_i64(u64 a);
i32 sf_to_i32(u64 a);
u64 sf_udivmod64(u64 n, u64 d, u64 *rem);
i64 sf_sdivmod64(i64 n, i64 d, i64 *rem);
u32 sf_fadd(u32 a, u32 b);
u32 sf_fsub(u32 a, u32 b);
u32 sf_fmul(u32 a, u32 b);
u32 sf_fdiv(u32 a, u32 b);
int sf_fcmp(u32 a, u32 b);
u64 sf_shl64(u64 a, int n);
u64 sf_shr64(u64 a, int n);
i64 sf_sar64(i64 a, int n);

static inline u64 D2U(double d) { u64 u; __builtin_memcpy(&u, &d, 8); return u; }
static inline double U2D(u64 u) { double d; __builtin_memcpy(&d, &u, 8); return d; }
static inline u32 F2U(float f) { u32 u; __builtin_memcpy(&u, &f, 4); return u; }
static inline float U2F(u32 u) { float f; __builtin_memcpy(&f, &u, 4); return f; }

/* libgcc's comparison contract: eq/ne 0 when equal; lt/le <= 0 and gt/ge >= 0 when the relation
 * holds, and the failing side for unordered operands. */
static int lt_le(int c) { return c == 2 ? 1 : c; }
static int gt_ge(int c) { return c == 2 ? -1 : c; }

double __adddf3(double a, double b) { return U2D(sf_add(D2U(a), D2U(b))); }
double __subdf3(double a, double b) { return U2D(sf_sub(D2U(a), D2U(b))); }
double __muldf3(double a, double b) { return U2D(sf_mul(D2U(a), D2U(b))); }
double __divdf3(double a, double b) { return U2D(sf_div(D2U(a), D2U(b))); }
double __negdf2(double a) { return U2D(D2U(a) ^ 0x8000000000000000ULL); }
int __eqdf2(double a, double b) { return sf_cmp(D2U(a), D2U(b)) != 0; }
int __nedf2(double a, double b) { return sf_cmp(D2U(a), D2U(b)) != 0; }
int __ltdf2(double a, double b) { return lt_le(sf_cmp(D2U(a), D2U(b))); }
int __ledf2(double a, double b) { return lt_le(sf_cmp(D2U(a), D2U(b))); }
int __gtdf2(double a, double b) { return gt_ge(sf_cmp(D2U(a), D2U(b))); }
int __gedf2(double a, double b) { return gt_ge(sf_cmp(D2U(a), D2U(b))); }
int __unorddf2(double a, double b) { return sf_cmp(D2U(a), D2U(b)) == 2; }

float __addsf3(float a, float b) { return U2F(sf_fadd(F2U(a), F2U(b))); }
float __subsf3(float a, float b) { return U2F(sf_fsub(F2U(a), F2U(b))); }
float __mulsf3(float a, float b) { return U2F(sf_fmul(F2U(a), F2U(b))); }
float __divsf3(float a, float b) { return U2F(sf_fdiv(F2U(a), F2U(b))); }
float __negsf2(float a) { return U2F(F2U(a) ^ 0x80000000u); }
int __eqsf2(float a, float b) { return sf_fcmp(F2U(a), F2U(b)) != 0; }
int __nesf2(float a, float b) { return sf_fcmp(F2U(a), F2U(b)) != 0; }
int __ltsf2(float a, float b) { return lt_le(sf_fcmp(F2U(a), F2U(b))); }
int __lesf2(float a, float b) { return lt_le(sf_fcmp(F2U(a), F2U(b))); }
int __gtsf2(float a, float b) { return gt_ge(sf_fcmp(F2U(a), F2U(b))); }
int __gesf2(float a, float b) { return gt_ge(sf_fcmp(F2U(a), F2U(b))); }
int __unordsf2(float a, float b) { return sf_fcmp(F2U(a), F2U(b)) == 2; }

double __extendsfdf2(float a) { return U2D(sf_from_f32(F2U(a))); }
float __truncdfsf2(double a) { return U2F(sf_to_f32(D2U(a))); }
double __floatsidf(i32 v) { return U2D(sf_from_i64(v)); }
double __floatunsidf(u32 v) { return U2D(sf_from_i64((i64)v)); }
double __floatdidf(i64 v) { return U2D(sf_from_i64(v)); }
double __floatundidf(u64 v) { return U2D(sf_from_u64(v, 0)); }
float __floatsisf(i32 v) { return U2F(sf_f32_from_i64(v)); }
float __floatunsisf(u32 v) { return U2F(sf_f32_from_i64((i64)v)); }
float __floatdisf(i64 v) { return U2F(sf_f32_from_i64(v)); }
float __floatundisf(u64 v) { return U2F(sf_f32_from_u64(v)); }
i32 __fixdfsi(double a) { return sf_to_i32(D2U(a)); }
i64 __fixdfdi(double a) { return sf_to_i64(D2U(a)); }
u32 __fixunsdfsi(double a) { i64 v = sf_to_i64(D2U(a)); return v < 0 ? 0 : (u32)v; }
i32 __fixsfsi(float a) { return sf_to_i32(sf_from_f32(F2U(a))); }
i64 __fixsfdi(float a) { return sf_to_i64(sf_from_f32(F2U(a))); }
u32 __fixunssfsi(float a) { i64 v = sf_to_i64(sf_from_f32(F2U(a))); return v < 0 ? 0 : (u32)v; }

/* 64-bit shifts (clang calls them at -Oz), with 32-bit operations (softfp_v6m.c). */
u64 __ashldi3(u64 a, int n) { return sf_shl64(a, n); }
u64 __lshrdi3(u64 a, int n) { return sf_shr64(a, n); }
i64 __ashrdi3(i64 a, int n) { return sf_sar64(a, n); }

u64 __udivdi3(u64 n, u64 d) { u64 r; return sf_udivmod64(n, d, &r); }
u64 __umoddi3(u64 n, u64 d) { u64 r; sf_udivmod64(n, d, &r); return r; }
i64 __divdi3(i64 n, i64 d) { i64 r; return sf_sdivmod64(n, d, &r); }
i64 __moddi3(i64 n, i64 d) { i64 r; sf_sdivmod64(n, d, &r); return r; }
#endif
