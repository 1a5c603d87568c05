/*
 * test_nvmecmd.c - engines/uring/nvmecmd.c: an NVMe read/write from an fio offset and
 * length (nlb 0-based, nlb and the buffer lengths from one block count, every misfit
 * refused), over random block sizes, LBA formats and metadata; completion statuses to
 * errno and words.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nvmecmd.h"
#include "unit.h"

static struct idr_nvme_fmt fmt(uint32_t data, uint32_t meta, bool ext, uint64_t nlba, uint32_t max)
{
	struct idr_nvme_fmt f = { .nsid = 1,
				  .lba_data = data,
				  .lba_meta = meta,
				  .extended = ext,
				  .nlba = nlba,
				  .max_bytes = max };

	CU_ASSERT_EQUAL(idr_nvme_fmt_init(&f), 0);
	return f;
}

/* ---- formats ----------------------------------------------------------------------- */

static void fmt_init_block(void)
{
	struct idr_nvme_fmt f;

	f = fmt(512, 0, false, 100, 0);
	CU_ASSERT_EQUAL(f.block, 512);
	CU_ASSERT_EQUAL(f.shift, 9);
	CU_ASSERT_EQUAL(f.meta_sep, 0);
	f = fmt(4096, 8, true, 100, 0);
	CU_ASSERT_EQUAL(f.block, 4104);
	CU_ASSERT_EQUAL(f.shift, 0);
	CU_ASSERT_EQUAL(f.meta_sep, 0);
	f = fmt(4096, 8, false, 100, 0);
	CU_ASSERT_EQUAL(f.block, 4096);
	CU_ASSERT_EQUAL(f.shift, 12);
	CU_ASSERT_EQUAL(f.meta_sep, 8);
	CU_ASSERT_EQUAL(idr_nvme_fmt_bytes(&f), 409600);
	/* Metadata of a power-of-two total, inline: the shift path, with the metadata in. */
	f = fmt(512, 512, true, 10, 0);
	CU_ASSERT_EQUAL(f.block, 1024);
	CU_ASSERT_EQUAL(f.shift, 10);
}

static void fmt_init_refuses(void)
{
	struct idr_nvme_fmt f = { .lba_data = 520, .nlba = 10 };

	CU_ASSERT_EQUAL(idr_nvme_fmt_init(&f), -EINVAL);
	f.lba_data = 256;
	CU_ASSERT_EQUAL(idr_nvme_fmt_init(&f), -EINVAL);
	f.lba_data = 0;
	CU_ASSERT_EQUAL(idr_nvme_fmt_init(&f), -EINVAL);
	f.lba_data = 4096;
	f.nlba = 0;
	CU_ASSERT_EQUAL(idr_nvme_fmt_init(&f), -EINVAL);
}

/* ---- one command ---------------------------------------------------------------------- */

static void rw_map_known(void)
{
	struct idr_nvme_fmt f = fmt(512, 0, false, 262144, 524288);
	struct idr_nvme_rw rw;

	CU_ASSERT_EQUAL(idr_nvme_rw_map(&f, 4194304, 4096, &rw), 0);
	CU_ASSERT_EQUAL(rw.slba, 8192);
	CU_ASSERT_EQUAL(rw.nlb, 7); /* 8 blocks, 0-based */
	CU_ASSERT_EQUAL(rw.data_len, 4096);
	CU_ASSERT_EQUAL(rw.meta_len, 0);
	CU_ASSERT_EQUAL(idr_nvme_rw_map(&f, 0, 512, &rw), 0);
	CU_ASSERT_EQUAL(rw.nlb, 0); /* one block is nlb 0 */
	/* The last block of the namespace, and the largest transfer. */
	CU_ASSERT_EQUAL(idr_nvme_rw_map(&f, (262144 - 1) * 512ULL, 512, &rw), 0);
	CU_ASSERT_EQUAL(rw.slba, 262143);
	CU_ASSERT_EQUAL(idr_nvme_rw_map(&f, 0, 524288, &rw), 0);
	CU_ASSERT_EQUAL(rw.nlb, 1023);

	f = fmt(4096, 8, true, 1000, 0);
	CU_ASSERT_EQUAL(idr_nvme_rw_map(&f, 4104 * 3, 4104 * 2, &rw), 0);
	CU_ASSERT_EQUAL(rw.slba, 3);
	CU_ASSERT_EQUAL(rw.nlb, 1);
	CU_ASSERT_EQUAL(rw.data_len, 8208);
	CU_ASSERT_EQUAL(rw.meta_len, 0);

	f = fmt(4096, 16, false, 1000, 0);
	CU_ASSERT_EQUAL(idr_nvme_rw_map(&f, 8192, 16384, &rw), 0);
	CU_ASSERT_EQUAL(rw.slba, 2);
	CU_ASSERT_EQUAL(rw.nlb, 3);
	CU_ASSERT_EQUAL(rw.data_len, 16384);
	CU_ASSERT_EQUAL(rw.meta_len, 64);
}

static void rw_map_refuses(void)
{
	struct idr_nvme_fmt f = fmt(4096, 0, false, 32768, 524288);
	struct idr_nvme_rw rw;

	CU_ASSERT_EQUAL(idr_nvme_rw_map(&f, 0, 512, &rw), -EINVAL);    /* bs < LBA */
	CU_ASSERT_EQUAL(idr_nvme_rw_map(&f, 512, 4096, &rw), -EINVAL); /* offset */
	CU_ASSERT_EQUAL(idr_nvme_rw_map(&f, 0, 6144, &rw), -EINVAL);   /* 1.5 blocks */
	CU_ASSERT_EQUAL(idr_nvme_rw_map(&f, 0, 0, &rw), -EINVAL);
	CU_ASSERT_EQUAL(idr_nvme_rw_map(&f, 0, 528384, &rw), -E2BIG); /* MDTS + 1 block */
	CU_ASSERT_EQUAL(idr_nvme_rw_map(&f, 32768ULL * 4096, 4096, &rw), -ERANGE);
	CU_ASSERT_EQUAL(idr_nvme_rw_map(&f, 32767ULL * 4096, 8192, &rw), -ERANGE);
	CU_ASSERT_EQUAL(idr_nvme_rw_map(&f, ~0ULL & ~4095ULL, 4096, &rw), -ERANGE);

	/* No MDTS: the 16-bit NLB field still caps a command at 65536 blocks. */
	f = fmt(512, 0, false, 1ULL << 30, 0);
	CU_ASSERT_EQUAL(idr_nvme_rw_map(&f, 0, 65536 * 512, &rw), 0);
	CU_ASSERT_EQUAL(rw.nlb, 65535);
	CU_ASSERT_EQUAL(idr_nvme_rw_map(&f, 0, 65537 * 512, &rw), -E2BIG);

	/* Extended LBA: data-size multiples are not blocks. */
	f = fmt(4096, 8, true, 1000, 0);
	CU_ASSERT_EQUAL(idr_nvme_rw_map(&f, 0, 4096, &rw), -EINVAL);
	CU_ASSERT_EQUAL(idr_nvme_rw_map(&f, 4096, 4104, &rw), -EINVAL);
}

/*
 * Random formats, offsets and lengths against the definition: accepted exactly when the
 * offset and length are whole blocks inside the namespace and within the limits, and
 * then nlb + 1 == data_len / block == len / block, meta_len == blocks * separate metadata,
 * slba * block == offset.
 */
static void rw_map_random(void)
{
	static const uint32_t datas[] = { 512, 1024, 2048, 4096, 8192, 16384 };
	static const uint32_t metas[] = { 0, 8, 16, 64, 128 };
	unsigned int seed = 8, i, checked = 0, accepted = 0;

	for (i = 0; i < 200000; i++) {
		struct idr_nvme_fmt f = { .nsid = 1 };
		struct idr_nvme_rw rw;
		uint64_t blocks, off, len;
		bool aligned, want;
		int ret;

		f.lba_data = datas[rand_r(&seed) % 6];
		f.lba_meta = metas[rand_r(&seed) % 5];
		f.extended = f.lba_meta && rand_r(&seed) % 2;
		f.nlba = 1 + (uint64_t)rand_r(&seed) % 100000;
		f.max_bytes = rand_r(&seed) % 3 ? 4096u << (rand_r(&seed) % 8) : 0;
		CU_ASSERT_EQUAL_FATAL(idr_nvme_fmt_init(&f), 0);
		/* Mostly whole blocks, sometimes a few bytes off. */
		blocks = (uint64_t)rand_r(&seed) % 300;
		len = blocks * f.block + (rand_r(&seed) % 8 ? 0 : (uint64_t)rand_r(&seed) % 700);
		off = ((uint64_t)rand_r(&seed) % (f.nlba + 50)) * f.block +
		      (rand_r(&seed) % 8 ? 0 : (uint64_t)rand_r(&seed) % 700);
		aligned = len && len % f.block == 0 && off % f.block == 0;
		want = aligned && len / f.block <= IDR_NVME_MAX_NLB &&
		       (!f.max_bytes || len <= f.max_bytes) &&
		       off / f.block + len / f.block <= f.nlba;
		memset(&rw, 0xa5, sizeof(rw));
		ret = idr_nvme_rw_map(&f, off, len, &rw);
		checked++;
		if (!want) {
			CU_ASSERT(ret < 0);
			if (!aligned)
				CU_ASSERT_EQUAL(ret, -EINVAL);
			continue;
		}
		accepted++;
		CU_ASSERT_EQUAL_FATAL(ret, 0);
		CU_ASSERT_EQUAL(rw.data_len, len);
		CU_ASSERT_EQUAL((uint64_t)rw.nlb + 1, len / f.block);
		CU_ASSERT_EQUAL((uint64_t)rw.nlb + 1, rw.data_len / f.block);
		CU_ASSERT_EQUAL(rw.data_len % f.block, 0);
		CU_ASSERT_EQUAL(rw.meta_len, (f.extended ? 0 : f.lba_meta) * (rw.nlb + 1));
		CU_ASSERT_EQUAL(rw.slba * f.block, off);
		CU_ASSERT(rw.slba + rw.nlb < f.nlba);
	}
	/* The generator must exercise both sides. */
	CU_ASSERT(accepted > checked / 10);
	CU_ASSERT(accepted < checked - checked / 10);
}

/* ---- statuses ---------------------------------------------------------------------------- */

static void status_errno_kernel_mapping(void)
{
	CU_ASSERT_EQUAL(idr_nvme_status_errno(0), 0);
	CU_ASSERT_EQUAL(idr_nvme_status_errno(0x281), ENODATA); /* as the block path */
	CU_ASSERT_EQUAL(idr_nvme_status_errno(0x280), ENODATA);
	CU_ASSERT_EQUAL(idr_nvme_status_errno(0x4080), EREMOTEIO); /* DNR ignored */
	CU_ASSERT_EQUAL(idr_nvme_status_errno(0x4002), EOPNOTSUPP);
	CU_ASSERT_EQUAL(idr_nvme_status_errno(0x282), EILSEQ);
	CU_ASSERT_EQUAL(idr_nvme_status_errno(0x081), ENOSPC);
	CU_ASSERT_EQUAL(idr_nvme_status_errno(0x370), ENOLINK);
	CU_ASSERT_EQUAL(idr_nvme_status_errno(0x006), EIO);
	CU_ASSERT_EQUAL(idr_nvme_status_errno(0x2ff), EIO); /* unknown */
	CU_ASSERT_EQUAL(idr_nvme_status_errno(0x6000), 0);  /* DNR|More, code 0 */
}

static void status_str_names(void)
{
	char buf[256];

	idr_nvme_status_str(0x281, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "NVMe status 0x281 Unrecovered Read Error (SCT 2 media and "
				    "data integrity error, SC 0x81; DNR 0, More 0)");
	idr_nvme_status_str(0x4080, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "NVMe status 0x4080 LBA Out of Range (SCT 0 generic command "
				    "status, SC 0x80; DNR 1, More 0)");
	idr_nvme_status_str(0x27f, buf, sizeof(buf));
	CU_ASSERT(strstr(buf, "(unknown status)") != NULL);
	CU_ASSERT_STRING_EQUAL(idr_nvme_status_name(0x2280), "Write Fault");
	CU_ASSERT_PTR_NULL(idr_nvme_status_name(0x7ff));
	CU_ASSERT_STRING_EQUAL(idr_nvme_sct_name(0x7ff), "vendor specific status");
}

/* ---- Dataset Management ---------------------------------------------------------------- */

static void dsm_lim_defaults(void)
{
	struct idr_nvme_dsm_lim l;

	idr_nvme_dsm_lim_init(&l, 0, 0, 0); /* nothing reported: the spec's most */
	CU_ASSERT_EQUAL(l.ranges, 256);
	CU_ASSERT_EQUAL(l.range_lbas, UINT32_MAX);
	CU_ASSERT_EQUAL(l.cmd_lbas, 0);
	idr_nvme_dsm_lim_init(&l, 8, 1000, 5000);
	CU_ASSERT_EQUAL(l.ranges, 8);
	CU_ASSERT_EQUAL(l.range_lbas, 1000);
	CU_ASSERT_EQUAL(l.cmd_lbas, 5000);
}

static void dsm_map_ranges(void)
{
	struct idr_nvme_fmt f = fmt(4096, 8, true, 1u << 20, 0);
	struct idr_nvme_dsm_range r[4];
	struct idr_nvme_dsm_lim l;

	idr_nvme_dsm_lim_init(&l, 0, 0, 0);
	CU_ASSERT_EQUAL(idr_nvme_dsm_map(&f, &l, 10 * 4104, 3 * 4104, r, 4), 1);
	CU_ASSERT_EQUAL(r[0].cattr, 0);
	CU_ASSERT_EQUAL(r[0].nlb, 3); /* a count, not 0-based */
	CU_ASSERT_EQUAL(r[0].slba, 10);
	/* 10 LBAs per range: 25 LBAs take 3 ranges, 10 + 10 + 5, in order */
	idr_nvme_dsm_lim_init(&l, 0, 10, 0);
	CU_ASSERT_EQUAL(idr_nvme_dsm_map(&f, &l, 100 * 4104, 25 * 4104, r, 4), 3);
	CU_ASSERT_EQUAL(r[0].slba, 100);
	CU_ASSERT_EQUAL(r[0].nlb, 10);
	CU_ASSERT_EQUAL(r[1].slba, 110);
	CU_ASSERT_EQUAL(r[1].nlb, 10);
	CU_ASSERT_EQUAL(r[2].slba, 120);
	CU_ASSERT_EQUAL(r[2].nlb, 5);
	CU_ASSERT_EQUAL(idr_nvme_dsm_max_bytes(&f, &l), 256ull * 10 * 4104);
	/* more ranges than the room, than DMRL, or more LBAs than DMSL: E2BIG */
	CU_ASSERT_EQUAL(idr_nvme_dsm_map(&f, &l, 0, 41 * 4104, r, 4), -E2BIG);
	idr_nvme_dsm_lim_init(&l, 2, 10, 0);
	CU_ASSERT_EQUAL(idr_nvme_dsm_map(&f, &l, 0, 20 * 4104, r, 4), 2);
	CU_ASSERT_EQUAL(idr_nvme_dsm_map(&f, &l, 0, 21 * 4104, r, 4), -E2BIG);
	idr_nvme_dsm_lim_init(&l, 0, 10, 15);
	CU_ASSERT_EQUAL(idr_nvme_dsm_map(&f, &l, 0, 16 * 4104, r, 4), -E2BIG);
	CU_ASSERT_EQUAL(idr_nvme_dsm_max_bytes(&f, &l), 15ull * 4104);
	/* misaligned, empty, past the end */
	CU_ASSERT_EQUAL(idr_nvme_dsm_map(&f, &l, 4096, 4104, r, 4), -EINVAL);
	CU_ASSERT_EQUAL(idr_nvme_dsm_map(&f, &l, 0, 4096, r, 4), -EINVAL);
	CU_ASSERT_EQUAL(idr_nvme_dsm_map(&f, &l, 0, 0, r, 4), -EINVAL);
	CU_ASSERT_EQUAL(idr_nvme_dsm_map(&f, &l, ((1u << 20) - 1) * 4104ull, 2 * 4104, r, 4),
			-ERANGE);
}

static CU_TestInfo nvmecmd_tests[] = {
	{ "idr_nvme_dsm_lim_init/defaults", dsm_lim_defaults },
	{ "idr_nvme_dsm_map/ranges", dsm_map_ranges },
	{ "idr_nvme_fmt_init/block", fmt_init_block },
	{ "idr_nvme_fmt_init/refuses", fmt_init_refuses },
	{ "idr_nvme_rw_map/known", rw_map_known },
	{ "idr_nvme_rw_map/refuses", rw_map_refuses },
	{ "idr_nvme_rw_map/random", rw_map_random },
	{ "idr_nvme_status_errno/kernel_mapping", status_errno_kernel_mapping },
	{ "idr_nvme_status_str/names", status_str_names },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "engines/uring/nvmecmd.c", nvmecmd_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
