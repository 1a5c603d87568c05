/*
 * unwritten.h - are the blocks a drill reads ever written? A read of a block that was
 * never written, or was deallocated (trimmed), is answered without touching the media:
 * an NVMe drive returns what its DLFEAT says such a block reads as (zeros, usually), a
 * loop device over a sparse file or a file with holes reads a hole. A drill on such
 * blocks flatters every engine.
 *
 * Before its first repetition the drill asks fio for its own offsets (the profile's
 * drill job run with fio's null engine, which touches nothing, and write_iolog), reads a
 * sample of them, and counts the blocks that read as all zeros (or all FFh where an
 * NVMe namespace's DLFEAT says a deallocated block reads so), or that the device itself
 * says are not allocated (NVMe Get LBA Status, where the controller has it: nvme/).
 * The fix it names: `iodrill precondition TARGET`, or profiles/precondition.fio.
 */
#ifndef IDR_CLI_UNWRITTEN_H
#define IDR_CLI_UNWRITTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "run/drilltarget.h"

#define IDR_UNWRITTEN_SAMPLE 64 /* blocks read of the drill's 1,000 */
#define IDR_UNWRITTEN_BS 4096

struct json_object;

struct idr_unwritten {
	bool checked;		/* the sample was read */
	char why_not[300];	/* when not checked: why */
	unsigned int sampled;	/* blocks read */
	unsigned int zeros;	/* ... that read as all zeros */
	unsigned int ones;	/* ... that read as all FFh */
	unsigned int unwritten; /* ... judged never written or deallocated */
	uint64_t first_offset;	/* the first unwritten one's offset (bytes) */
	int dlfeat;		/* NVMe DLFEAT's read behaviour (IDR_DLFEAT_*), or -1 */
	int deallocated;	/* blocks Get LBA Status says are not allocated, or -1: not asked */
	char lba_status_why[160]; /* when not asked or it failed: why */
};

/* What a block of data is. */
enum idr_block { IDR_BLOCK_DATA, IDR_BLOCK_ZEROS, IDR_BLOCK_ONES };

/* idr_block_kind - all zeros, all FFh, or anything else. */
enum idr_block idr_block_kind(const void *buf, size_t len);

/*
 * idr_block_unwritten - is a block unwritten: the device says it is not allocated
 * (allocated 0), or, where it could not say (allocated -1), it reads as all zeros, or as
 * all FFh on a namespace whose deallocated blocks read so (dlfeat IDR_DLFEAT_ONES).
 * A block the device says is allocated is written whatever it holds.
 */
bool idr_block_unwritten(enum idr_block kind, int dlfeat, int allocated);

/*
 * idr_iolog_reads - the offsets of the reads in fio's write_iolog text (versions 2 and 3:
 * "FILE read OFFSET LENGTH", with a time first in version 3), in order, at most max.
 * Returns how many, or -EINVAL when the text is not a fio I/O log.
 */
int idr_iolog_reads(const char *text, uint64_t *offs, unsigned int max);

/*
 * idr_unwritten_check - the drill's check on t: its offsets from job (the profile as
 * run) through fio's null engine, with its files in dir, then IDR_UNWRITTEN_SAMPLE of
 * them read (O_DIRECT where t takes it) and judged. A check that cannot run (no block
 * device or file to read, fio failed) leaves u->checked false with why_not set: never an
 * error for the drill. Returns 0, or -EINTR when a stop signal arrived meanwhile.
 */
int idr_unwritten_check(const struct idr_drill_target *t, const char *job, const char *dir,
			struct idr_unwritten *u);

/*
 * idr_unwritten_say - one sentence when some sampled blocks are unwritten: how many, how
 * judged, what it does to the numbers; "" otherwise.
 */
void idr_unwritten_say(const struct idr_unwritten *u, char *buf, size_t len);

/* idr_unwritten_fix - the sentence naming the fix for target; "" when nothing to fix. */
void idr_unwritten_fix(const struct idr_unwritten *u, const char *target, char *buf, size_t len);

/* idr_unwritten_json - u for the JSON and the archive's facts. */
struct json_object *idr_unwritten_json(const struct idr_unwritten *u);

#endif
