# iodrill - one non-recursive Makefile.
#
#   make            engines/*.so and ./iodrill
#   make check      every test (configures and builds first on a fresh clone)
#   make drill      set-up, build, and the drill on this machine's default target
#   make bench      engines against fio's built-in twins (long; not part of check)
#   make stress     the long stress runs
#   make check-vm   the tests that boot the NVMe test machine (tests/vm/README.md)
#   make check-corpus  every fio example job file with fio's engine and ours (tests/corpus)
#   make fuzz       the long fuzz runs (FUZZ_TIME seconds each, default 600)
#   make install    PREFIX=/usr/local DESTDIR=
#   make deb        build/deb/iodrill_<version>_<arch>.deb (engines, profiles, iodrill, a
#                   fio --server unit for fleet runs, off by default)
#   V=1             show the commands;  SANITIZE=1  ASan/UBSan build of units and ./iodrill

# config.mk is written by ./configure; make runs it first on a fresh clone.
CONFIG_MK := config.mk
ifeq ($(filter clean distclean help,$(MAKECMDGOALS)),)
include $(CONFIG_MK)
endif

$(CONFIG_MK): configure
	./configure

ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-7s %s\n' $(1) $(2);
endif

CC ?= gcc
BUILD := build
OBJ := $(BUILD)/obj$(if $(SANITIZE),-san)
GEN := $(BUILD)/gen
DESTDIR ?=
PREFIX ?= /usr/local
LIBDIR := $(PREFIX)/lib/iodrill
DATADIR := $(PREFIX)/share/iodrill

WARN := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes
BASE_CFLAGS := -std=gnu11 -O2 -g -D_GNU_SOURCE $(WARN) -MMD -MP -I$(GEN)
SAN_ON := -fsanitize=address -fsanitize=undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_FLAGS := $(if $(SANITIZE),$(SAN_ON))

# Engines are compiled against fio's own source of the installed version (configure
# fetched it): on -isystem so its headers' warnings are not ours, config-host.h first as
# fio's build does. Only `ioengine` is exported.
FIO_CFLAGS := -isystem $(FIO_SRC) -include $(FIO_SRC)/config-host.h \
	-D_LARGEFILE_SOURCE -D_FILE_OFFSET_BITS=64 -DFIO_INTERNAL \
	-DIDR_FIO_IOOPS_VERSION=$(FIO_IOOPS_VERSION) -DIDR_FIO_VERSION='"$(FIO_VERSION)"'
ENGINE_CFLAGS := $(BASE_CFLAGS) -fPIC -fvisibility=hidden $(FIO_CFLAGS) -Iengines/core \
	$(URING_CFLAGS) $(JSONC_CFLAGS) $(BLKID_CFLAGS)

# ---- engines --------------------------------------------------------------------------
# Every engines/*.c is an engine; engines/core/ is the shared core, linked into each.
ENGINES := $(patsubst engines/%.c,%,$(wildcard engines/*.c))
ENGINE_SOS := $(ENGINES:%=engines/%.so)
CORE_SRCS := $(wildcard engines/core/*.c)
CORE_OBJS := $(CORE_SRCS:%.c=$(OBJ)/%.pic.o)
# Core modules that use no fio types: unit-tested on their own.
CORE_UNIT_SRCS := engines/core/caps.c engines/core/cpu.c engines/core/hist.c \
	engines/core/sidecar.c engines/core/target.c engines/core/blkdev.c engines/core/guard.c \
	engines/core/alias.c engines/core/chan.c engines/core/remote.c

# Code shared by the io_uring engines only (they link liburing; the rest must not).
URING_SHARED_OBJS := $(patsubst %.c,$(OBJ)/%.pic.o,$(wildcard engines/uring/*.c))
engines/uring_fixed.so engines/uring_passthru.so: $(URING_SHARED_OBJS)

# The write guard (engines/core/guard.c) probes devices with libblkid.
ENGINE_LIBS := $(JSONC_LIBS) $(BLKID_LIBS) -lm
engines/kaio.so: ENGINE_LIBS += $(AIO_LIBS)
engines/uring_fixed.so engines/uring_passthru.so: ENGINE_LIBS += $(URING_LIBS)
# Every engine asks nvme/ (sysfs and libnvme's Identify) what device a path names:
# uring_passthru for its namespace, and all of them, under `fio --server`, to send back
# the target's identity as the results archive files it (engines/core/remote.h), made by
# the archive's own code (cli/archive/identity.c, prov.c).
NVME_PIC_OBJS := $(patsubst %.c,$(OBJ)/%.pic.o,nvme/nvme.c nvme/scan.c nvme/policy.c \
	nvme/fs.c cli/archive/identity.c cli/archive/prov.c)
ENGINE_LIBS += $(NVME_LIBS)
$(OBJ)/engines/uring_passthru.pic.o $(OBJ)/engines/core/remote.pic.o: \
	ENGINE_CFLAGS += -Invme -Icli $(NVME_CFLAGS)
engines/threadpool.so engines/posix_aio.so: ENGINE_LIBS += -lpthread

$(OBJ)/engines/%.pic.o: engines/%.c $(GEN)/engine_caps.h $(GEN)/idr_build.h $(CONFIG_MK)
	$(call say,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ENGINE_CFLAGS) -Iengines -c $< -o $@

$(OBJ)/nvme/%.pic.o: nvme/%.c $(GEN)/engine_caps.h $(CONFIG_MK)
	$(call say,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ENGINE_CFLAGS) -Invme -Icli $(NVME_CFLAGS) -c $< -o $@
$(OBJ)/cli/archive/%.pic.o: cli/archive/%.c $(GEN)/engine_caps.h $(CONFIG_MK)
	$(call say,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ENGINE_CFLAGS) -Invme -Icli $(NVME_CFLAGS) -c $< -o $@

engines/%.so: $(OBJ)/engines/%.pic.o $(CORE_OBJS) $(NVME_PIC_OBJS)
	$(call say,LD,$@)
	$(Q)$(CC) -shared -Wl,-z,now -o $@ $^ $(ENGINE_LIBS)

# The capability table, as a C X-macro for the core and the command.
$(GEN)/engine_caps.h: engines/engines.tbl
	$(call say,GEN,$@)
	@mkdir -p $(@D)
	$(Q)awk '!/^#/ && NF == 5 { printf "IDR_ENGINE_ROW(\"%s\", \"%s\", \"%s\", \"%s\", \"%s\")\n", $$1, $$2, $$3, $$4, $$5 }' $< >$@.tmp && mv $@.tmp $@

# The build's identity, rewritten only when git describe changes (no needless rebuilds).
IDR_BUILD := $(shell git describe --always --dirty --tags 2>/dev/null || echo unknown)
$(GEN)/idr_build.h: FORCE
	@mkdir -p $(@D)
	@printf '#define IDR_BUILD "%s"\n' '$(IDR_BUILD)' >$@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

# ---- the iodrill command (cli/) and NVMe discovery (nvme/) -------------------------------
CLI_SRCS := $(wildcard cli/*.c cli/*/*.c) $(wildcard nvme/*.c)
CLI_OBJS := $(CLI_SRCS:%.c=$(OBJ)/%.o)
CLI_CFLAGS := $(BASE_CFLAGS) $(SAN_FLAGS) -I. -Icli -Invme -Iengines/core $(JSONC_CFLAGS) \
	$(NVME_CFLAGS) $(BLKID_CFLAGS) -DIDR_FIO_VERSION='"$(FIO_VERSION)"' \
	-DIDR_FIO_BIN='"$(FIO)"' -DIDR_LIBDIR='"$(LIBDIR)"' -DIDR_DATADIR='"$(DATADIR)"'
CLI_LIBS := $(SAN_FLAGS) $(JSONC_LIBS) $(NVME_LIBS) $(BLKID_LIBS) -lm

$(OBJ)/cli/%.o: cli/%.c $(GEN)/engine_caps.h $(GEN)/idr_build.h $(CONFIG_MK)
	$(call say,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CLI_CFLAGS) -c $< -o $@
$(OBJ)/nvme/%.o: nvme/%.c $(GEN)/engine_caps.h $(CONFIG_MK)
	$(call say,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CLI_CFLAGS) -c $< -o $@

iodrill: $(CLI_OBJS) $(OBJ)/units/libidr.a
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $(CLI_OBJS) $(OBJ)/units/libidr.a $(CLI_LIBS)

# ---- unit tests (CUnit) -----------------------------------------------------------------
# One tests/unit/test_<module>.c per module, each its own binary, linked with the shared
# runner (tests/unit/unit_main.c) and a library of everything testable without fio.
UNIT_LIB_SRCS := $(CORE_UNIT_SRCS) engines/uring/setup.c engines/uring/nvmecmd.c
UNIT_LIB_OBJS := $(UNIT_LIB_SRCS:%.c=$(OBJ)/units/%.o)
# Every command file but main.c (the helpers they share, idr_err and the rest, are in
# cli/common.c).
UNIT_LIB_CLI_OBJS := $(filter-out $(OBJ)/cli/main.o,$(CLI_OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
# Shared test helpers (fixtures): every other tests/unit/*.c, linked into each binary.
UNIT_HELPER_OBJS := $(patsubst %.c,$(OBJ)/units/%.o,$(filter-out $(UNIT_SRCS) \
	tests/unit/unit_main.c,$(wildcard tests/unit/*.c)))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%$(if $(SANITIZE),-san))
UNIT_CFLAGS := $(BASE_CFLAGS) $(SAN_FLAGS) -I. -Icli -Invme -Iengines/core -Itests/unit \
	-Iengines/uring $(JSONC_CFLAGS) $(CUNIT_CFLAGS) $(NVME_CFLAGS) $(BLKID_CFLAGS)

# The thread pool's channel (engines/core/chan.c, mpmc.h) again under ThreadSanitizer,
# which cannot share a build with ASan: its own binary, run by check like the others.
TSAN_UNIT_BIN := $(BUILD)/tests/unit/test_chan-tsan
UNIT_BINS += $(TSAN_UNIT_BIN)
$(TSAN_UNIT_BIN): tests/unit/test_chan.c tests/unit/unit_main.c engines/core/chan.c \
		engines/core/chan.h engines/core/mpmc.h engines/core/counters.h tests/unit/unit.h
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(filter-out -MMD -MP,$(BASE_CFLAGS)) -fsanitize=thread -Iengines/core \
		-Itests/unit -o $@ $(filter %.c,$^) $(CUNIT_LIBS)

$(OBJ)/units/%.o: %.c $(GEN)/engine_caps.h $(CONFIG_MK)
	$(call say,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(UNIT_CFLAGS) -c $< -o $@

$(OBJ)/units/libidr.a: $(UNIT_LIB_OBJS)
	$(call say,AR,$@)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/tests/unit/%$(if $(SANITIZE),-san): $(OBJ)/units/tests/unit/%.o \
		$(OBJ)/units/tests/unit/unit_main.o $(UNIT_HELPER_OBJS) $(UNIT_LIB_CLI_OBJS) \
		$(OBJ)/units/libidr.a
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -o $@ $^ $(SAN_FLAGS) $(CUNIT_LIBS) $(JSONC_LIBS) $(NVME_LIBS) $(BLKID_LIBS) \
		$(URING_LIBS) -lm

# ---- helpers the test scripts run (tests/<area>/<name>.c -> build/tests/bin/<name>) ------
TEST_BINS := $(BUILD)/tests/bin/noiouring $(BUILD)/tests/bin/oldfio

$(BUILD)/tests/bin/%: tests/fio/%.c $(CONFIG_MK)
	$(call say,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) -o $@ $<

# A server of another fio protocol version (tests/fleet): fio's own header and CRC.
$(BUILD)/tests/bin/oldfio: tests/fleet/oldfio.c $(FIO_SRC)/crc/crc16.c $(CONFIG_MK)
	$(call say,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) $(FIO_CFLAGS) -I$(FIO_SRC) -o $@ $< $(FIO_SRC)/crc/crc16.c

# ---- fuzz targets (libFuzzer through clang; configure says whether it works) --------------
# tests/fuzz/fuzz_<name>.c, linked with every cli/ and nvme/ file but main.c. Built with
# the sanitizers; clang's warnings differ from gcc's, so none of them stops this build.
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(if $(filter yes,$(HAVE_FUZZER)),$(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%))
FUZZ_OBJ := $(BUILD)/obj-fuzz
FUZZ_LIB_OBJS := $(patsubst %.c,$(FUZZ_OBJ)/%.o,$(filter-out cli/main.c,$(CLI_SRCS)) \
	$(filter-out engines/uring/%,$(UNIT_LIB_SRCS)))
FUZZ_CFLAGS := $(filter-out -Werror -MMD -MP,$(CLI_CFLAGS)) -Wno-unknown-warning-option -O1 \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined

$(FUZZ_OBJ)/%.o: %.c $(GEN)/engine_caps.h $(GEN)/idr_build.h $(CONFIG_MK)
	$(call say,CCFUZZ,$<)
	@mkdir -p $(@D)
	$(Q)clang $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/fuzz/%: $(FUZZ_OBJ)/tests/fuzz/%.o $(FUZZ_LIB_OBJS)
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)clang -o $@ $^ $(FUZZ_LDFLAGS) $(JSONC_LIBS) $(NVME_LIBS) $(BLKID_LIBS) -lm

fuzzers: $(FUZZ_BINS)

# ---- the same sources through clang, -Werror too (tests/style/t-clang-build.sh) ----------
# Objects only, under build/obj-clang: the gcc-built engines and ./iodrill are untouched.
CLANG_OBJ := $(BUILD)/obj-clang
CLANG_ENGINE_OBJS := $(patsubst %.c,$(CLANG_OBJ)/%.pic.o,$(wildcard engines/*.c) $(CORE_SRCS) \
	$(wildcard engines/uring/*.c))
CLANG_CLI_OBJS := $(patsubst %.c,$(CLANG_OBJ)/%.o,$(CLI_SRCS) $(wildcard tests/unit/*.c))

$(CLANG_OBJ)/engines/%.pic.o: engines/%.c $(GEN)/engine_caps.h $(GEN)/idr_build.h $(CONFIG_MK)
	$(call say,CLANG,$<)
	@mkdir -p $(@D)
	$(Q)clang $(ENGINE_CFLAGS) -Iengines -Invme -Icli $(NVME_CFLAGS) -c $< -o $@
$(CLANG_OBJ)/%.o: %.c $(GEN)/engine_caps.h $(GEN)/idr_build.h $(CONFIG_MK)
	$(call say,CLANG,$<)
	@mkdir -p $(@D)
	$(Q)clang $(UNIT_CFLAGS) $(CLI_CFLAGS) -c $< -o $@

clang-build: $(CLANG_ENGINE_OBJS) $(CLANG_CLI_OBJS)

# ---- targets ----------------------------------------------------------------------------
# Objects are kept between builds (make would delete them as intermediates).
.SECONDARY:
.PHONY: all check check-vm check-corpus units fuzzers fuzz drill bench stress install uninstall clean distclean help FORCE \
	clang-build deb
.DEFAULT_GOAL := all

all: $(ENGINE_SOS) iodrill

units: $(UNIT_BINS)

# tests/run runs the units and every test script, prints PASS/FAIL/SKIP per case and one
# summary line, and exits non-zero on any failure.
check: all units fuzzers $(TEST_BINS)
	$(Q)FIO=$(FIO) BUILD=$(BUILD) UNIT_BINS="$(UNIT_BINS)" tests/run

# The scripts that boot the NVMe test machine: tests/vm/t-*.sh, tests/*/t-vm-*.sh, t-*-vm.sh.
check-vm: all
	$(Q)FIO=$(FIO) BUILD=$(BUILD) UNIT_BINS= tests/run tests/vm/ /t-vm- -vm.sh

# fio's own example job files, every one (make check runs the quick subset): host examples
# in scratch file systems, device examples in one boot of the NVMe test machine.
check-corpus: all
	$(Q)FIO=$(FIO) BUILD=$(BUILD) UNIT_BINS= IDR_CORPUS_FULL=1 TEST_TIMEOUT=$${TEST_TIMEOUT:-2400} \
		tests/run tests/corpus/

# The drill on the default target: a temporary file in $TMPDIR (or /var/tmp).
drill: all
	$(Q)./iodrill drill

bench: all
	$(Q)FIO=$(FIO) tests/bench/run

# The fuzz scripts (tests/*/t-*fuzz*.sh) run short in check, long here.
fuzz: all fuzzers
	$(Q)FIO=$(FIO) BUILD=$(BUILD) UNIT_BINS= IDR_FUZZ_LONG=1 TEST_TIMEOUT=$$(( $${FUZZ_TIME:-600} + 300 )) \
		tests/run fuzz

# The stress scripts (tests/*/t-*stress*.sh) run short in check, long here (the NVMe test
# machine's full passthrough matrix takes ~10 min under TCG: 30 min per script).
stress: all $(TEST_BINS)
	$(Q)FIO=$(FIO) BUILD=$(BUILD) UNIT_BINS= IDR_STRESS=1 TEST_TIMEOUT=$${TEST_TIMEOUT:-1800} \
		tests/run stress

# IODRILL_INSTALL: which build of the command goes in (make deb's, built for /usr).
IODRILL_INSTALL ?= iodrill
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(LIBDIR)/engines $(DESTDIR)$(DATADIR)/profiles
	install -m 0755 $(IODRILL_INSTALL) $(DESTDIR)$(PREFIX)/bin/iodrill
	install -m 0755 $(ENGINE_SOS) $(DESTDIR)$(LIBDIR)/engines/
	install -m 0644 engines/engines.tbl $(DESTDIR)$(LIBDIR)/engines/
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0644 cli/iodrill.1 $(DESTDIR)$(PREFIX)/share/man/man1/iodrill.1
	install -m 0644 cli/iodrill.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/iodrill
	$(if $(wildcard profiles/*.fio),install -m 0644 $(wildcard profiles/*.fio) $(DESTDIR)$(DATADIR)/profiles/)

# ---- make deb: the Debian package, with dpkg's own tools (packaging/deb/) -----------------
# The command has its library and data folders compiled in (cli/common.c): the package's
# is built for /usr beside the tree's, which keeps PREFIX's.
DEB_DIR := $(BUILD)/deb
$(DEB_DIR)/common.o: cli/common.c $(GEN)/engine_caps.h $(GEN)/idr_build.h $(CONFIG_MK)
	$(call say,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CLI_CFLAGS) -UIDR_LIBDIR -UIDR_DATADIR -DIDR_LIBDIR='"/usr/lib/iodrill"' \
		-DIDR_DATADIR='"/usr/share/iodrill"' -c $< -o $@
$(DEB_DIR)/iodrill: $(filter-out $(OBJ)/cli/common.o,$(CLI_OBJS)) $(DEB_DIR)/common.o \
		$(OBJ)/units/libidr.a
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $^ $(CLI_LIBS)

deb: all $(DEB_DIR)/iodrill
	$(Q)rm -rf $(DEB_DIR)/root
	$(Q)$(MAKE) --no-print-directory install DESTDIR=$(abspath $(DEB_DIR)/root) PREFIX=/usr \
		IODRILL_INSTALL=$(DEB_DIR)/iodrill >/dev/null
	$(Q)packaging/deb/build $(DEB_DIR)/root $(DEB_DIR) '$(IDR_BUILD)' '$(FIO_DEB_VERSION)'

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/iodrill $(DESTDIR)$(PREFIX)/share/man/man1/iodrill.1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/iodrill
	rm -rf $(DESTDIR)$(LIBDIR) $(DESTDIR)$(DATADIR)

# clean keeps the fio source and the test machine's kernel (build/fio-src, build/vm);
# distclean removes them and config.mk.
clean:
	rm -rf $(BUILD)/obj $(BUILD)/obj-san $(BUILD)/obj-fuzz $(BUILD)/obj-clang $(BUILD)/fuzz \
		$(BUILD)/gen $(BUILD)/tests \
		iodrill engines/*.so

distclean: clean
	rm -rf $(BUILD) $(CONFIG_MK)

help:
	@sed -n '3,14p' Makefile

FORCE:

-include $(shell find $(BUILD)/obj $(BUILD)/obj-san $(BUILD)/obj-fuzz $(BUILD)/obj-clang -name '*.d' \
	2>/dev/null)
