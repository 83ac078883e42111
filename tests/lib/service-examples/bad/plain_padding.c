/* safecheck-expect: reject plain-data
 *
 * A plain-data copy out of a struct with padding (3 bytes after `kind`, 4 after `flags`):
 * copying it to bytes would leak kernel memory.
 */
#include <fw/plain.h>

struct bad_stat {
	uint8_t kind;
	uint32_t flags;
	uint64_t size;
	uint32_t tail;
};
DEFINE_PLAIN(bad_stat, struct bad_stat);
