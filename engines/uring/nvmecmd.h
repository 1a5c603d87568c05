/*
 * nvmecmd.h - NVMe I/O commands as uring_passthru builds them: an fio offset and length
 * turned into a starting LBA, a 0-based block count and the buffer lengths, all from one
 * value; NVMe completion statuses turned into an errno and words. No fio types, no
 * libraries: unit-tested on its own (tests/unit/test_nvmecmd.c).
 *
 * The device does not check what it is sent: an nlb one too large completes with status 0
 * and DMAs past the buffer, nlb=0 with a 4 KiB buffer fills 512 bytes, and a data_len above
 * what the kernel maps fails with EINVAL (all seen on the NVMe test machine). So nlb and
 * data_len both come from the number of blocks, and everything is checked before it goes.
 *
 * fio's view of a namespace: a byte stream of NSZE blocks of `block` bytes each, where
 * block is the LBA data size, or data + metadata for an extended-LBA format (FLBAS bit 4:
 * the metadata travels inline after each block's data). A separate-metadata format keeps
 * fio's view at the data size; its metadata goes to a buffer of its own (meta_len).
 *
 * Conventions: 0 on success, -errno on failure.
 */
#ifndef IDR_URING_NVMECMD_H
#define IDR_URING_NVMECMD_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* NVM command set opcodes (NVMe base spec, I/O commands). */
enum {
	IDR_NVME_CMD_FLUSH = 0x00,
	IDR_NVME_CMD_WRITE = 0x01,
	IDR_NVME_CMD_READ = 0x02,
	IDR_NVME_CMD_DSM = 0x09, /* Dataset Management */
};

/* Number of Logical Blocks is a 16-bit 0-based field: 65536 blocks at most. */
#define IDR_NVME_MAX_NLB 65536u

/* A namespace's format, as the engine addresses it. */
struct idr_nvme_fmt {
	uint32_t nsid;
	uint32_t lba_data;  /* data bytes per LBA: 512, 4096, ... (a power of two) */
	uint32_t lba_meta;  /* metadata bytes per LBA (0: none) */
	bool extended;	    /* metadata inline after each LBA's data (FLBAS bit 4) */
	uint64_t nlba;	    /* namespace size in LBAs (NSZE) */
	uint32_t max_bytes; /* largest data_len the kernel maps for us; 0: no limit */
	/* Set by idr_nvme_fmt_init. */
	uint32_t block;	   /* bytes of one LBA in fio's view: data (+ metadata if extended) */
	uint32_t shift;	   /* log2(block) when a power of two, else 0 */
	uint32_t meta_sep; /* bytes of separate metadata per LBA (0 when extended or none) */
};

/*
 * idr_nvme_fmt_init - derive block, shift and meta_sep from the identified fields.
 * Returns 0, or -EINVAL for a format no command can address (a data size that is not a
 * power of two of at least 512, a namespace of 0 LBAs).
 */
int idr_nvme_fmt_init(struct idr_nvme_fmt *f);

/* idr_nvme_fmt_bytes - the namespace's size in fio's view: nlba * block. */
static inline uint64_t idr_nvme_fmt_bytes(const struct idr_nvme_fmt *f)
{
	return f->nlba * f->block;
}

/* One read or write, as the command carries it. */
struct idr_nvme_rw {
	uint64_t slba;	   /* cdw10/11 */
	uint32_t nlb;	   /* cdw12 bits 0-15: blocks - 1 (0-based) */
	uint32_t data_len; /* bytes of the data buffer: (nlb + 1) * block */
	uint32_t meta_len; /* bytes of the metadata buffer: (nlb + 1) * meta_sep */
};

/*
 * idr_nvme_rw_map - the command for len bytes at byte offset off of f's namespace (fio's
 * view). The block count is computed once; nlb and both lengths derive from it, and
 * data_len == len always holds on success. Returns 0, or:
 *   -EINVAL  off or len not a multiple of the block, or len 0;
 *   -E2BIG   more than max_bytes, or more than IDR_NVME_MAX_NLB blocks;
 *   -ERANGE  reaches past the end of the namespace.
 */
static inline int idr_nvme_rw_map(const struct idr_nvme_fmt *f, uint64_t off, uint64_t len,
				  struct idr_nvme_rw *rw)
{
	uint64_t blocks, slba;

	if (__builtin_expect(f->shift != 0, 1)) {
		if ((off | len) & (f->block - 1))
			return -EINVAL;
		blocks = len >> f->shift;
		slba = off >> f->shift;
	} else {
		if (off % f->block || len % f->block)
			return -EINVAL;
		blocks = len / f->block;
		slba = off / f->block;
	}
	if (!blocks)
		return -EINVAL;
	if (blocks > IDR_NVME_MAX_NLB || (f->max_bytes && len > f->max_bytes))
		return -E2BIG;
	if (slba >= f->nlba || blocks > f->nlba - slba)
		return -ERANGE;
	rw->slba = slba;
	rw->nlb = (uint32_t)(blocks - 1);
	rw->data_len = (uint32_t)(blocks * f->block);
	rw->meta_len = (uint32_t)(blocks * f->meta_sep);
	return 0;
}

/* ---- Dataset Management (deallocate): fio's trim ------------------------------------- */

/*
 * NVM Command Set spec 1.0, 3.2.3 Dataset Management: cdw10 bits 7:0 NR, the number of
 * ranges, 0-based (256 at most); cdw11 bit 2 AD, Attribute - Deallocate. The data buffer
 * holds NR+1 16-byte range entries, little-endian: context attributes, the length in
 * LBAs (a 1-based count: the kernel's nvme_setup_discard and the target's
 * nvmet_bdev_discard_range use it as is) and the starting LBA.
 */
#define IDR_NVME_DSM_AD (1u << 2)
#define IDR_NVME_DSM_MAX_RANGES 256u

struct idr_nvme_dsm_range {
	uint32_t cattr; /* context attributes: 0 */
	uint32_t nlb;	/* LBAs in the range: a count, not 0-based */
	uint64_t slba;
};
_Static_assert(sizeof(struct idr_nvme_dsm_range) == 16, "a DSM range entry is 16 bytes");

/*
 * What one DSM command may carry, from the NVM command set's Identify Controller
 * (CNS 06h, CSI 0); idr_nvme_dsm_lim_init turns "not reported" (0) into the spec's most.
 */
struct idr_nvme_dsm_lim {
	uint32_t ranges;     /* DMRL: ranges per command, 1..256 */
	uint32_t range_lbas; /* DMRSL: LBAs per range, 1..2^32-1 */
	uint64_t cmd_lbas;   /* DMSL: LBAs per command; 0: no limit */
};

/* idr_nvme_dsm_lim_init - the limits from Identify's dmrl, dmrsl, dmsl (0: not reported). */
void idr_nvme_dsm_lim_init(struct idr_nvme_dsm_lim *l, unsigned int dmrl, uint32_t dmrsl,
			   uint64_t dmsl);

/* idr_nvme_dsm_max_bytes - the most one command deallocates in fio's bytes for f. */
uint64_t idr_nvme_dsm_max_bytes(const struct idr_nvme_fmt *f, const struct idr_nvme_dsm_lim *l);

/*
 * idr_nvme_dsm_map - the ranges that deallocate len bytes at off of f's namespace, into
 * r (room for max ranges, max <= l->ranges), each at most l->range_lbas LBAs, in order.
 * Returns the number of ranges (cdw10 = that - 1), or:
 *   -EINVAL  off or len not a multiple of the block, or len 0;
 *   -E2BIG   more ranges than max, or more LBAs than l->cmd_lbas;
 *   -ERANGE  reaches past the end of the namespace.
 */
int idr_nvme_dsm_map(const struct idr_nvme_fmt *f, const struct idr_nvme_dsm_lim *l, uint64_t off,
		     uint64_t len, struct idr_nvme_dsm_range *r, unsigned int max);

/* ---- completion status --------------------------------------------------------------- */

/* The status field as the kernel hands it over in cqe->res: SCT 10:8, SC 7:0, More, DNR. */
#define IDR_NVME_SC(s) ((unsigned int)(s)&0xffu)
#define IDR_NVME_SCT(s) (((unsigned int)(s) >> 8) & 0x7u)
#define IDR_NVME_MORE 0x2000u
#define IDR_NVME_DNR 0x4000u

/*
 * idr_nvme_status_errno - the errno the kernel's block layer reports for the same status
 * (drivers/nvme/host/core.c nvme_error_status, then blk_status_to_errno): ENODATA for
 * media errors (an unrecovered read, a write fault), EREMOTEIO for LBA out of range,
 * EOPNOTSUPP for invalid opcode or field, EILSEQ for protection information, ENOSPC,
 * EBADE, ENOLINK; EIO for the rest. Returns a positive errno (0 for status 0).
 */
int idr_nvme_status_errno(unsigned int status);

/*
 * idr_nvme_status_name - the status's name from the NVMe base spec ("Unrecovered Read
 * Error", "LBA Out of Range"), or NULL when this table does not know it.
 */
const char *idr_nvme_status_name(unsigned int status);

/* idr_nvme_sct_name - the status code type's name ("media and data integrity error"). */
const char *idr_nvme_sct_name(unsigned int status);

/*
 * idr_nvme_status_str - one line for status: "NVMe status 0x281 Unrecovered Read Error
 * (SCT 2 media and data integrity error, SC 0x81; DNR 0, More 0)". Returns buf.
 */
char *idr_nvme_status_str(unsigned int status, char *buf, size_t len);

#endif
