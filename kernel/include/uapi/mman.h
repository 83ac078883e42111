/*
 * uapi/mman.h — the memory system calls' constants (x86-64 values of <asm-generic/mman*.h>,
 * <linux/mman.h> and <asm/mman.h>): mmap's prot and flags, mremap's flags, madvise's
 * advice, msync's and mlockall's flags. tests/kernel/t_uapi.c compares them with /usr/include.
 */
#ifndef KERNEL_UAPI_MMAN_H
#define KERNEL_UAPI_MMAN_H

#define UAPI_PROT_READ 0x1
#define UAPI_PROT_WRITE 0x2
#define UAPI_PROT_EXEC 0x4
#define UAPI_PROT_GROWSDOWN 0x01000000
#define UAPI_PROT_GROWSUP 0x02000000

#define UAPI_MAP_SHARED 0x01
#define UAPI_MAP_PRIVATE 0x02
#define UAPI_MAP_SHARED_VALIDATE 0x03
#define UAPI_MAP_TYPE 0x0f
#define UAPI_MAP_FIXED 0x10
#define UAPI_MAP_ANONYMOUS 0x20
#define UAPI_MAP_32BIT 0x40
#define UAPI_MAP_GROWSDOWN 0x0100
#define UAPI_MAP_DENYWRITE 0x0800
#define UAPI_MAP_EXECUTABLE 0x1000
#define UAPI_MAP_LOCKED 0x2000
#define UAPI_MAP_NORESERVE 0x4000
#define UAPI_MAP_POPULATE 0x8000
#define UAPI_MAP_NONBLOCK 0x10000
#define UAPI_MAP_STACK 0x20000
#define UAPI_MAP_HUGETLB 0x40000
#define UAPI_MAP_SYNC 0x80000
#define UAPI_MAP_FIXED_NOREPLACE 0x100000

#define UAPI_MREMAP_MAYMOVE 1
#define UAPI_MREMAP_FIXED 2
#define UAPI_MREMAP_DONTUNMAP 4

#define UAPI_MADV_NORMAL 0
#define UAPI_MADV_RANDOM 1
#define UAPI_MADV_SEQUENTIAL 2
#define UAPI_MADV_WILLNEED 3
#define UAPI_MADV_DONTNEED 4
#define UAPI_MADV_FREE 8
#define UAPI_MADV_REMOVE 9
#define UAPI_MADV_DONTFORK 10
#define UAPI_MADV_DOFORK 11
#define UAPI_MADV_MERGEABLE 12
#define UAPI_MADV_UNMERGEABLE 13
#define UAPI_MADV_HUGEPAGE 14
#define UAPI_MADV_NOHUGEPAGE 15
#define UAPI_MADV_DONTDUMP 16
#define UAPI_MADV_DODUMP 17

#define UAPI_MS_ASYNC 1
#define UAPI_MS_INVALIDATE 2
#define UAPI_MS_SYNC 4

#define UAPI_MCL_CURRENT 1
#define UAPI_MCL_FUTURE 2
#define UAPI_MCL_ONFAULT 4

#define UAPI_MLOCK_ONFAULT 0x01

#endif /* KERNEL_UAPI_MMAN_H */
