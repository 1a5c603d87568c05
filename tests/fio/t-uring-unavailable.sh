#!/usr/bin/env bash
# io_uring unavailable: each cause gets a message that names it, and fio exits non-zero.
#  - a seccomp filter (build/tests/bin/noiouring, as a container's default profile):
#    EPERM, and ENOSYS (a filter can return any errno);
#  - not in the kernel: ENOSYS injected with strace, no filter;
#  - kernel.io_uring_disabled=2, and =1 for a user outside kernel.io_uring_group: the
#    sysctl files are faked by bind mounts in a private mount namespace (the real
#    sysctl is shared with everything else on this machine), EPERM injected with strace;
#  - SQPOLL refused (EPERM on a kernel before 5.13), and EPERM with no known cause;
#  - fixedbufs above RLIMIT_MEMLOCK as an unprivileged user (prlimit + setpriv): the
#    check before registering, and the kernel's ENOMEM at registration (strace).
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
truncate -s 1M "$S/f"
JOB=(--name=t --ioengine="external:$ENGINES/uring_fixed.so" --filename="$S/f" --size=1M
	--bs=4k --rw=read --iodepth=32)
have() { command -v "$1" >/dev/null; }
inject() { local spec=$1; shift; strace -f -qq -o /dev/null -e inject="$spec" "$@"; }

if NOIOURING=$(test_bin noiouring 2>"$S/why"); then
	expect_refusal_run "seccomp EPERM: names the seccomp filter" \
		"refused by a seccomp filter \(Seccomp: 2" "$NOIOURING" "$FIO" "${JOB[@]}"
	expect_refusal_run "seccomp ENOSYS: still names the filter, not the kernel" \
		"failed \(Function not implemented\) and this process runs under a seccomp filter" \
		env NOIOURING_ERRNO=38 "$NOIOURING" "$FIO" "${JOB[@]}"
else
	skip "seccomp cases" "$(cat "$S/why")"
fi

if ! have strace; then
	skip "injected cases" "strace is not installed (apt-get install strace)"
	finish
fi
expect_refusal_run "ENOSYS without a filter: io_uring not in the kernel" \
	"io_uring is not available in this kernel \(io_uring_setup: ENOSYS" \
	inject io_uring_setup:error=ENOSYS "$FIO" "${JOB[@]}"
expect_refusal_run "EPERM with sqthread_poll=1: names SQPOLL privileges" \
	"sqthread_poll=1 was refused \(EPERM\): before 5.13" \
	inject io_uring_setup:error=EPERM "$FIO" "${JOB[@]}" --sqthread_poll=1
expect_refusal_run "EPERM with no known cause: says what was ruled out" \
	"refused \(EPERM\) though kernel.io_uring_disabled is 0 and no seccomp filter" \
	inject io_uring_setup:error=EPERM "$FIO" "${JOB[@]}"

# The rest runs fio as nobody (root is exempt from the memlock limit and passes the
# io_uring_group check): it needs root to switch, and a tree nobody can read.
if [ "$(id -u)" != 0 ] || ! have setpriv || ! have unshare || ! have prlimit; then
	skip "sysctl and memlock cases" "need root, setpriv, unshare and prlimit (util-linux)"
	finish
fi
chmod 0711 "$S" && chmod 0644 "$S/f"
echo 2 >"$S/disabled2" && echo 1 >"$S/disabled1" && echo 12345 >"$S/group"
chmod 0644 "$S/disabled2" "$S/disabled1" "$S/group"
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
# fake_sysctl DISABLED-FILE GROUP-FILE CMD...: run CMD with the sysctls read from files.
fake_sysctl()
{
	local d=$1 g=$2
	shift 2
	unshare -m sh -c 'mount --bind "$1" /proc/sys/kernel/io_uring_disabled &&
		mount --bind "$2" /proc/sys/kernel/io_uring_group && shift 2 && exec "$@"' \
		sh "$d" "$g" "$@"
}
if [ ! -e /proc/sys/kernel/io_uring_disabled ]; then
	skip "io_uring_disabled cases" "no kernel.io_uring_disabled here (kernel before 6.6)"
else
	expect_refusal_run "io_uring_disabled=2: names the sysctl and its value" \
		"disabled for every process by sysctl kernel.io_uring_disabled=2" \
		fake_sysctl "$S/disabled2" "$S/group" \
		strace -f -qq -o /dev/null -e inject=io_uring_setup:error=EPERM "$FIO" "${JOB[@]}"
	expect_refusal_run "io_uring_disabled=1, user outside io_uring_group: names group and uid" \
		"io_uring_disabled=1 allows io_uring only to CAP_SYS_ADMIN and members of kernel.io_uring_group \(gid 12345\); uid 65534 is neither" \
		fake_sysctl "$S/disabled1" "$S/group" "${NOBODY[@]}" \
		strace -f -qq -o /dev/null -e inject=io_uring_setup:error=EPERM "$FIO" "${JOB[@]}"
fi
expect_refusal_run "fixedbufs over RLIMIT_MEMLOCK: needed vs limit in KiB, before registering" \
	"fixedbufs=1 registers 32 buffers needing 128 KiB of locked memory, but RLIMIT_MEMLOCK is 64 KiB: raise it" \
	prlimit --memlock=65536:65536 "${NOBODY[@]}" "$FIO" "${JOB[@]}"
# Under the limit by our count, but the kernel says ENOMEM (other locked memory of the
# user): the 2nd io_uring_register is the buffers' (the 1st registers the ring fd).
expect_refusal_run "fixedbufs ENOMEM from the kernel: needed vs limit, and why it can differ" \
	"needing 128 KiB of locked memory, but RLIMIT_MEMLOCK is 1024 KiB \(memory this user already locked" \
	prlimit --memlock=1048576:1048576 "${NOBODY[@]}" \
	strace -f -qq -o /dev/null -e inject=io_uring_register:error=ENOMEM:when=2 "$FIO" "${JOB[@]}"
finish
