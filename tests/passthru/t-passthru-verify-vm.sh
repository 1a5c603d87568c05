#!/usr/bin/env bash
# uring_passthru under fio's verify on every LBA format of the NVMe test machine (one boot,
# the default namespaces: 512 B, 4 KiB, 4 KiB + 8 B extended, 4 KiB + 8 B separate), with
# fixed buffers on and off, iodepth 1/32/256, thread=0/1, SQPOLL; a mangled block failing
# verify; the data checked where the offsets put it (tests/passthru/guest/verify.sh).
. "$(dirname "$0")/../lib.sh"

vm_ready "uring_passthru verify on NVMe" || finish
vm_cases --timeout 400 --cwd "$TOP" -- bash tests/passthru/guest/verify.sh
finish
