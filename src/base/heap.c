/* A render's CPU on the development VM goes as much to page faults as to
 * instructions: some 450 of its ~1,000 faults were first touches of 4 KB
 * heap pages, each a trip through the (paravirtualised, slow) fault path
 * (bench/profile.md). Transparent huge pages turn them into a handful of
 * 2 MB faults. The kernel gives them only to a region marked
 * MADV_HUGEPAGE (/sys/kernel/mm/transparent_hugepage/enabled is
 * `madvise` on Debian), glibc 2.36 does so only when told by the
 * environment (GLIBC_TUNABLES=glibc.malloc.hugetlb=1), so the heap is
 * prepared here:
 *  - M_TOP_PAD: one sbrk reserves HEAP_RESERVE of address space (not
 *    memory: untouched pages cost nothing) so that the marked region holds
 *    the whole render;
 *  - M_TRIM_THRESHOLD and M_MMAP_THRESHOLD: big blocks (hb-subset's
 *    buffers, the compressors' tables) come from that heap and stay in it
 *    when freed, instead of being mapped, faulted in page by page and
 *    unmapped each time;
 *  - the stretch before the first 2 MB boundary is taken by one block
 *    never touched, so that what follows lies in huge pages.
 * None of this changes what is computed; where madvise fails (THP
 * disabled, another kernel) the heap stays as it was. */
#include "heap.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define HUGE_PAGE ((uintptr_t)2 << 20)
#define HEAP_RESERVE (64u << 20)
#define BIG_BLOCK (32u << 20) /* glibc's largest mmap threshold on 64-bit */
#define PROBE (30u << 20)

#if defined(__SANITIZE_ADDRESS__)
#define HEAP_OWN_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || __has_feature(thread_sanitizer)
#define HEAP_OWN_ALLOCATOR 1
#endif
#endif

void heap_prepare(void) {
#if defined(__linux__) && defined(__GLIBC__) && defined(MADV_HUGEPAGE) && !defined(HEAP_OWN_ALLOCATOR)
  /* The block that aligns the heap, reachable for the process's life and
   * never touched beyond its header. */
  static void *pad;
  if (pad) return;
  mallopt(M_MMAP_THRESHOLD, BIG_BLOCK);
  mallopt(M_TRIM_THRESHOLD, HEAP_RESERVE);
  mallopt(M_TOP_PAD, HEAP_RESERVE);
  /* Larger than the few kilobytes the libraries' constructors took, so it
   * is carved from the top chunk, which sbrk extends by it and
   * HEAP_RESERVE. Large too because malloc writes the next chunk's header
   * just past it: a 4 KB page touched there keeps its whole 2 MB from
   * being a huge page, so that page lies far beyond what a render uses. */
  char *probe = malloc(PROBE);
  if (!probe) return;
  uintptr_t from = (uintptr_t)probe, end = (uintptr_t)sbrk(0);
  uintptr_t aligned = (from + 64 + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
  if (end == (uintptr_t)-1 || end < aligned + 2 * HUGE_PAGE ||
      madvise((void *)aligned, (end - aligned) & ~(HUGE_PAGE - 1), MADV_HUGEPAGE) != 0) {
    free(probe);
    return;
  }
  /* Shrunk in place, its tail goes back to the top chunk: the next block
   * starts at the boundary (16 bytes of chunk header before each). */
  pad = realloc(probe, aligned - from - 16);
  if (!pad) pad = probe;
#endif
}
