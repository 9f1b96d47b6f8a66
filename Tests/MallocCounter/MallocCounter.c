#include "MallocCounter.h"

#include <stddef.h>
#include <stdlib.h>  /* defines __GLIBC__ on glibc systems */

#if defined(__GLIBC__)
#include <errno.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);

static volatile int counting = 0;
static volatile long allocations = 0;

static void note(void) {
    if (counting) __atomic_add_fetch(&allocations, 1, __ATOMIC_RELAXED);
}

void *malloc(size_t size) { note(); return __libc_malloc(size); }
void *calloc(size_t count, size_t size) { note(); return __libc_calloc(count, size); }
void *realloc(void *pointer, size_t size) { note(); return __libc_realloc(pointer, size); }
void *aligned_alloc(size_t alignment, size_t size) { note(); return __libc_memalign(alignment, size); }
void *memalign(size_t alignment, size_t size) { note(); return __libc_memalign(alignment, size); }
int posix_memalign(void **result, size_t alignment, size_t size) {
    note();
    void *pointer = __libc_memalign(alignment, size);
    if (!pointer) return ENOMEM;
    *result = pointer;
    return 0;
}

int swiftlet_malloc_counter_available(void) { return 1; }
void swiftlet_malloc_counter_start(void) { allocations = 0; counting = 1; }
long swiftlet_malloc_counter_stop(void) { counting = 0; return allocations; }
#else
int swiftlet_malloc_counter_available(void) { return 0; }
void swiftlet_malloc_counter_start(void) {}
long swiftlet_malloc_counter_stop(void) { return 0; }
#endif
