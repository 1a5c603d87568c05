/*
 * nvmecmd.c - NVMe formats and completion statuses for uring_passthru (see nvmecmd.h).
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>

#include "nvmecmd.h"

int idr_nvme_fmt_init(struct idr_nvme_fmt *f)
{
	if (f->lba_data < 512 || (f->lba_data & (f->lba_data - 1)) || !f->nlba)
		return -EINVAL;
	f->block = f->lba_data + (f->extended ? f->lba_meta : 0);
	f->meta_sep = f->extended ? 0 : f->lba_meta;
	f->shift = 0;
	if (!(f->block & (f->block - 1)))
		f->shift = (uint32_t)__builtin_ctz(f->block);
	return 0;
}

/* ---- Dataset Management ------------------------------------------------------------ */

void idr_nvme_dsm_lim_init(struct idr_nvme_dsm_lim *l, unsigned int dmrl, uint32_t dmrsl,
			   uint64_t dmsl)
{
	l->ranges = dmrl && dmrl < IDR_NVME_DSM_MAX_RANGES ? dmrl : IDR_NVME_DSM_MAX_RANGES;
	l->range_lbas = dmrsl ? dmrsl : UINT32_MAX;
	l->cmd_lbas = dmsl;
}

uint64_t idr_nvme_dsm_max_bytes(const struct idr_nvme_fmt *f, const struct idr_nvme_dsm_lim *l)
{
	uint64_t lbas = (uint64_t)l->ranges * l->range_lbas;

	if (l->cmd_lbas && l->cmd_lbas < lbas)
		lbas = l->cmd_lbas;
	return lbas * f->block;
}

int idr_nvme_dsm_map(const struct idr_nvme_fmt *f, const struct idr_nvme_dsm_lim *l, uint64_t off,
		     uint64_t len, struct idr_nvme_dsm_range *r, unsigned int max)
{
	uint64_t blocks, slba, n;
	unsigned int i;

	if (off % f->block || len % f->block || !len)
		return -EINVAL;
	blocks = len / f->block;
	slba = off / f->block;
	if (slba >= f->nlba || blocks > f->nlba - slba)
		return -ERANGE;
	if (max > l->ranges)
		max = l->ranges;
	if ((l->cmd_lbas && blocks > l->cmd_lbas) ||
	    (blocks + l->range_lbas - 1) / l->range_lbas > max)
		return -E2BIG;
	for (i = 0; blocks; i++) {
		n = blocks < l->range_lbas ? blocks : l->range_lbas;
		r[i].cattr = 0;
		r[i].nlb = htole32((uint32_t)n);
		r[i].slba = htole64(slba);
		slba += n;
		blocks -= n;
	}
	return (int)i;
}

/* ---- completion status --------------------------------------------------------------- */

struct status_row {
	unsigned short code; /* SCT << 8 | SC */
	unsigned char err;   /* errno the block layer would report; 0: EIO */
	const char *name;
};

/*
 * The statuses an I/O command can complete with (NVMe base spec 2.0, NVM command set 1.0,
 * ZNS 1.1), and the errno of drivers/nvme/host/core.c nvme_error_status for each.
 */
static const struct status_row status_table[] = {
	/* SCT 0: generic command status */
	{ 0x000, 0, "Successful Completion" },
	{ 0x001, EOPNOTSUPP, "Invalid Command Opcode" },
	{ 0x002, EOPNOTSUPP, "Invalid Field in Command" },
	{ 0x003, 0, "Command ID Conflict" },
	{ 0x004, 0, "Data Transfer Error" },
	{ 0x005, 0, "Commands Aborted due to Power Loss Notification" },
	{ 0x006, 0, "Internal Error" },
	{ 0x007, 0, "Command Abort Requested" },
	{ 0x008, 0, "Command Aborted due to SQ Deletion" },
	{ 0x009, 0, "Command Aborted due to Failed Fused Command" },
	{ 0x00a, 0, "Command Aborted due to Missing Fused Command" },
	{ 0x00b, EOPNOTSUPP, "Invalid Namespace or Format" },
	{ 0x00c, 0, "Command Sequence Error" },
	{ 0x00d, 0, "Invalid SGL Segment Descriptor" },
	{ 0x00e, 0, "Invalid Number of SGL Descriptors" },
	{ 0x00f, 0, "Data SGL Length Invalid" },
	{ 0x010, 0, "Metadata SGL Length Invalid" },
	{ 0x011, 0, "SGL Descriptor Type Invalid" },
	{ 0x012, 0, "Invalid Use of Controller Memory Buffer" },
	{ 0x013, 0, "PRP Offset Invalid" },
	{ 0x014, 0, "Atomic Write Unit Exceeded" },
	{ 0x015, 0, "Operation Denied" },
	{ 0x016, 0, "SGL Offset Invalid" },
	{ 0x018, 0, "Host Identifier Inconsistent Format" },
	{ 0x019, 0, "Keep Alive Timer Expired" },
	{ 0x01a, 0, "Keep Alive Timeout Invalid" },
	{ 0x01b, 0, "Command Aborted due to Preempt and Abort" },
	{ 0x01c, 0, "Sanitize Failed" },
	{ 0x01d, 0, "Sanitize In Progress" },
	{ 0x01e, 0, "SGL Data Block Granularity Invalid" },
	{ 0x01f, 0, "Command Not Supported for Queue in CMB" },
	{ 0x020, 0, "Namespace is Write Protected" },
	{ 0x021, EREMOTEIO, "Command Interrupted" },
	{ 0x022, 0, "Transient Transport Error" },
	{ 0x024, 0, "Admin Command Media Not Ready" },
	{ 0x080, EREMOTEIO, "LBA Out of Range" },
	{ 0x081, ENOSPC, "Capacity Exceeded" },
	{ 0x082, EREMOTEIO, "Namespace Not Ready" },
	{ 0x083, EBADE, "Reservation Conflict" },
	{ 0x084, 0, "Format In Progress" },
	/* SCT 1: command specific status (I/O commands) */
	{ 0x180, EOPNOTSUPP, "Conflicting Attributes" },
	{ 0x181, EILSEQ, "Invalid Protection Information" },
	{ 0x182, ENODATA, "Attempted Write to Read Only Range" },
	{ 0x183, EOPNOTSUPP, "Command Size Limit Exceeded" },
	{ 0x1b8, 0, "Zone Boundary Error" },
	{ 0x1b9, 0, "Zone Is Full" },
	{ 0x1ba, 0, "Zone Is Read Only" },
	{ 0x1bb, 0, "Zone Is Offline" },
	{ 0x1bc, 0, "Zone Invalid Write" },
	{ 0x1bd, EOVERFLOW, "Too Many Active Zones" },
	{ 0x1be, ETOOMANYREFS, "Too Many Open Zones" },
	{ 0x1bf, 0, "Invalid Zone State Transition" },
	/* SCT 2: media and data integrity errors */
	{ 0x280, ENODATA, "Write Fault" },
	{ 0x281, ENODATA, "Unrecovered Read Error" },
	{ 0x282, EILSEQ, "End-to-end Guard Check Error" },
	{ 0x283, EILSEQ, "End-to-end Application Tag Check Error" },
	{ 0x284, EILSEQ, "End-to-end Reference Tag Check Error" },
	{ 0x285, ENODATA, "Compare Failure" },
	{ 0x286, ENODATA, "Access Denied" },
	{ 0x287, ENODATA, "Deallocated or Unwritten Logical Block" },
	{ 0x288, 0, "End-to-End Storage Tag Check Error" },
	/* SCT 3: path related status */
	{ 0x300, 0, "Internal Path Error" },
	{ 0x301, 0, "Asymmetric Access Persistent Loss" },
	{ 0x302, 0, "Asymmetric Access Inaccessible" },
	{ 0x303, 0, "Asymmetric Access Transition" },
	{ 0x360, 0, "Controller Pathing Error" },
	{ 0x370, ENOLINK, "Host Pathing Error" },
	{ 0x371, 0, "Command Aborted By Host" },
};

static const struct status_row *status_find(unsigned int status)
{
	unsigned int code = status & 0x7ffu;
	size_t i;

	for (i = 0; i < sizeof(status_table) / sizeof(status_table[0]); i++)
		if (status_table[i].code == code)
			return &status_table[i];
	return NULL;
}

int idr_nvme_status_errno(unsigned int status)
{
	const struct status_row *row;

	if (!(status & 0x7ffu))
		return 0;
	row = status_find(status);
	return row && row->err ? row->err : EIO;
}

const char *idr_nvme_status_name(unsigned int status)
{
	const struct status_row *row = status_find(status);

	return row ? row->name : NULL;
}

const char *idr_nvme_sct_name(unsigned int status)
{
	static const char *const names[8] = {
		"generic command status",	  "command specific status",
		"media and data integrity error", "path related status",
		"reserved status code type",	  "reserved status code type",
		"reserved status code type",	  "vendor specific status",
	};

	return names[IDR_NVME_SCT(status)];
}

char *idr_nvme_status_str(unsigned int status, char *buf, size_t len)
{
	const char *name = idr_nvme_status_name(status);

	snprintf(buf, len, "NVMe status 0x%x %s (SCT %u %s, SC 0x%02x; DNR %u, More %u)",
		 status & 0x7fffu, name ? name : "(unknown status)", IDR_NVME_SCT(status),
		 idr_nvme_sct_name(status), IDR_NVME_SC(status), !!(status & IDR_NVME_DNR),
		 !!(status & IDR_NVME_MORE));
	return buf;
}
