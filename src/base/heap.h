/* The process's heap made cheap to touch (heap.c). */
#ifndef BRIEF_HEAP_H
#define BRIEF_HEAP_H

/* Called first thing in main, before the engine allocates anything large:
 * malloc's settings and huge pages for the heap. Changes nothing that is
 * computed; does nothing where it cannot (other allocators, no THP). */
void heap_prepare(void);

#endif
