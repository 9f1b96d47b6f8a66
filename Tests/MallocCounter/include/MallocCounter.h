#ifndef SWIFTLET_MALLOC_COUNTER_H
#define SWIFTLET_MALLOC_COUNTER_H

/// Counts heap allocations made by this process while counting is on, by
/// interposing malloc and friends (glibc only). Used by tests that prove the
/// interpreter's invoke() allocates nothing.

/// 1 where allocations can be counted (glibc), 0 elsewhere.
int swiftlet_malloc_counter_available(void);
/// Starts counting from zero.
void swiftlet_malloc_counter_start(void);
/// Stops counting; returns the number of allocation calls seen.
long swiftlet_malloc_counter_stop(void);

#endif
