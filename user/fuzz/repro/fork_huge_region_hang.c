/*
 * fork_huge_region_hang — found by user/fuzz: a process with a large, untouched anonymous
 * mapping (mmap of 16 TiB with MAP_NORESERVE succeeds lazily) made fork() visit every page of
 * it (proc_copy_memory: one vmspace_query per 4 KiB) and the kernel stopped; mprotect of
 * the same range (proc_protect_range) likewise. Linux copies only the page tables that exist.
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include "repro.h"

int main(void)
{
	size_t len = 1ull << 44;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	if (p == MAP_FAILED) {
		repro_done("fork_huge_region_hang", 1, "SKIP the kernel refused the mapping");
		return 0;
	}
	p[0] = 1;
	p[len - 1] = 2;
	int ok = mprotect(p, len, PROT_READ) == 0;
	pid_t c = fork();
	if (c == 0)
		_exit(p[0] == 1 && p[len - 1] == 2 ? 0 : 1);
	int st = -1;
	ok = ok && c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	repro_done("fork_huge_region_hang", ok, ok ? NULL : "mprotect, fork or the child failed");
	return 0;
}
