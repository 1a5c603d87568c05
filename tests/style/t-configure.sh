#!/usr/bin/env bash
# t-configure.sh - configure tells required packages from optional ones: a missing optional
# (test) package is a warning with the exact apt-get line and configure goes on; a missing
# required one stops it with the exact line. Runs a copy of configure in a scratch tree with
# dpkg-query answering "not installed" for chosen packages, and --no-install (never apt).
. "$(dirname "$0")/../lib.sh"

tree=$(scratch)/tree
mkdir -p "$tree/build" "$tree/bin"
cp "$TOP/configure" "$tree/"
# The fio source configure fetched for this tree (a link: nothing is fetched again).
ln -s "$TOP/build/fio-src" "$tree/build/fio-src"
cat >"$tree/bin/dpkg-query" <<'FAKE'
#!/bin/sh
# dpkg-query -W -f=FORMAT PKG: "not installed" for the packages in $FAKE_MISSING.
for a; do pkg=$a; done
case " $FAKE_MISSING " in *" $pkg "*) exit 1 ;; esac
exec /usr/bin/dpkg-query "$@"
FAKE
chmod +x "$tree/bin/dpkg-query"

# run_configure MISSING: configure with those packages missing; status in rc, output in out.
run_configure()
{
	out=$(cd "$tree" && FAKE_MISSING=$1 PATH="$tree/bin:$PATH" ./configure --no-install 2>&1)
	rc=$?
}

run_configure "valgrind qemu-system-x86"
if [ "$rc" = 0 ] &&
	grep -q 'optional packages missing (tests that need them will SKIP): valgrind qemu-system-x86' <<<"$out" &&
	grep -q '^    apt-get install -y --no-install-recommends valgrind qemu-system-x86$' <<<"$out" &&
	grep -q 'optional (for tests):' <<<"$out" && [ -f "$tree/config.mk" ]; then
	pass "configure: missing optional packages warn with the apt-get line and configure goes on"
else
	fail "configure: missing optional packages warn with the apt-get line and configure goes on" \
		"exit $rc: $out"
fi

rm -f "$tree/config.mk"
run_configure "libnvme-dev jq"
if [ "$rc" = 1 ] && grep -q 'missing Debian packages: libnvme-dev' <<<"$out" &&
	grep -q '^    apt-get install -y --no-install-recommends libnvme-dev jq$' <<<"$out" &&
	[ ! -f "$tree/config.mk" ]; then
	pass "configure: a missing required package stops it with the exact apt-get line"
else
	fail "configure: a missing required package stops it with the exact apt-get line" "exit $rc: $out"
fi
finish
