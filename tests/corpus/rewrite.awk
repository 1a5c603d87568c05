# tests/corpus/rewrite.awk - the capped copy of one of fio's example job files.
#
#   awk -v mode=twin|ours -v twins=libaio=/x/kaio.so,... -v size_cap=BYTES -v time_cap=S
#       -v short_cap=S -v numjobs_cap=N -v loops_cap=N -v dev=/dev/nvme0n1 -v ngdev=/dev/ng0n1
#       -v sets='key=value key=value' -f rewrite.awk FILE FILE
#
# FILE is read twice: the first pass learns what the file sets, the second prints the copy.
# A job file's own values win over fio's command line, so every cap is written into the
# copy itself, the same for both runs:
#   size=, filesize=, io_size= above size_cap -> size_cap; runtime=, timeout= above time_cap
#   -> time_cap; ramp_time=, startdelay=, ss_dur=, ss_ramp= above short_cap -> short_cap;
#   numjobs= and loops= above their caps -> the cap;
#   [global] gains runtime=time_cap when it has no runtime (a safety net for every job) and
#   size=size_cap when nothing in the file sizes the I/O (no size, filesize, io_size or
#   fill_device: a device job would cover the whole device);
#   absolute paths outside /dev in filename= and directory= become relative (the run's
#   folder is its scratch); /dev/ngXnY -> ngdev, any other /dev path but null and zero -> dev;
#   the directories fio needs to exist are listed in '; corpus-mkdir DIR' lines at the top;
#   `sets` replaces those keys' values everywhere (added to [global] when absent).
# mode=ours switches each ioengine= that `twins` maps (twin=path of our .so) to
# external:PATH, and makes fio's default engine (psync) explicit as ours; mode=twin writes
# ioengine=psync for the default, which is what fio runs without one.

function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }

# size in bytes of a fio size value ("32m", "10G", "4096"), or -1 for what is not one
# ("50%", a range): fio's default kb_base is 1024, and a unit may end in "b" or "ib".
function bytes(v,    n, u)
{
	if (v !~ /^[0-9]+[kKmMgGtTpP]?([iI]?[bB])?$/)
		return -1
	n = v; sub(/[^0-9].*$/, "", n)
	u = tolower(substr(v, length(n) + 1, 1))
	return n * (u == "k" ? 1024 : u == "m" ? 1048576 : u == "g" ? 1073741824 : \
		    u == "t" ? 1099511627776 : u == "p" ? 1125899906842624 : 1)
}

# seconds of a fio time value ("900", "5m", "30s", "500ms"), or -1.
function seconds(v,    n, u)
{
	if (v !~ /^[0-9]+(us|ms|s|m|h|d)?$/)
		return -1
	n = v; sub(/[^0-9].*$/, "", n)
	u = substr(v, length(n) + 1)
	return n * (u == "us" ? 1e-6 : u == "ms" ? 1e-3 : u == "m" ? 60 : u == "h" ? 3600 : \
		    u == "d" ? 86400 : 1)
}

# a filesize= range "1m-2m" capped part by part; anything else as bytes().
function cap_size(v,    parts, i, out, b)
{
	if (split(v, parts, "-") == 2) {
		for (i = 1; i <= 2; i++) {
			b = bytes(parts[i])
			out = out (i > 1 ? "-" : "") (b > size_cap ? size_cap : parts[i])
		}
		return out
	}
	b = bytes(v)
	return b > size_cap ? size_cap : v
}

function cap_time(v, cap,    s) { s = seconds(v); return s > cap ? cap : v }
function cap_num(v, cap) { return (v ~ /^[0-9]+$/ && v + 0 > cap) ? cap : v }

# a path in filename= or directory=, moved off the host's own tree and devices.
function path(p)
{
	if (p == "/dev/null" || p == "/dev/zero")
		return p
	if (p ~ /^\/dev\/ng[0-9]+n[0-9]+$/)
		return ngdev
	if (p ~ /^\/dev\//)
		return dev
	sub(/^\/+/, "", p)
	return p
}

function paths(v,    parts, n, i, out)
{
	n = split(v, parts, ":")
	for (i = 1; i <= n; i++)
		out = out (i > 1 ? ":" : "") path(parts[i])
	return out
}

function value(k, v)
{
	if (k in set)
		return set[k]
	if (k == "ioengine")
		return (mode == "ours" && v in twin) ? "external:" twin[v] : v
	if (k == "size" || k == "filesize" || k == "io_size")
		return cap_size(v)
	if (k == "runtime" || k == "timeout")
		return cap_time(v, time_cap)
	if (k == "ramp_time" || k == "startdelay" || k == "ss_dur" || k == "ss_ramp")
		return cap_time(v, short_cap)
	if (k == "numjobs")
		return cap_num(v, numjobs_cap)
	if (k == "loops")
		return cap_num(v, loops_cap)
	if (k == "filename")
		return paths(v)
	if (k == "directory") {
		v = paths(v)
		mkdirs[v] = 1
		return v
	}
	return v
}

# The lines [global] gains (pass 2 calls it once, right after the first [global] header,
# or before the first section when the file has no [global]).
function global_extra(    k)
{
	if (!global_engine)
		print "ioengine=" (mode == "ours" ? "external:" twin["psync"] : "psync")
	if (!global_runtime)
		print "runtime=" time_cap
	if (!sized && !("size" in set))
		print "size=" size_cap
	for (k in set)
		if (!(k in seen))
			print k "=" set[k]
	extra_done = 1
}

BEGIN {
	n = split(twins, tw, ",")
	for (i = 1; i <= n; i++) {
		split(tw[i], kv, "=")
		twin[kv[1]] = kv[2]
	}
	n = split(sets, st, " ")
	for (i = 1; i <= n; i++) {
		eq = index(st[i], "=")
		set[substr(st[i], 1, eq - 1)] = substr(st[i], eq + 1)
	}
}

# Pass 2 starts: the folders fio needs, then the file from no section.
NR != FNR && FNR == 1 {
	for (d in mkdirs)
		print "; corpus-mkdir " d
	section = ""
}

# Both passes: split a line into section, key, value; drop comments (whole-line, and ;/#
# after whitespace, as fio does).
{
	line = $0
	key = ""
	if (line ~ /^[ \t]*[;#]/ || line ~ /^[ \t]*$/)
		kind = "comment"
	else if (line ~ /^[ \t]*\[.*\]/) {
		kind = "section"
		section = trim(line); sub(/^\[/, "", section); sub(/\].*$/, "", section)
	} else {
		kind = "option"
		sub(/[ \t]+[;#].*$/, "", line)
		line = trim(line)
		eq = index(line, "=")
		key = trim(eq ? substr(line, 1, eq - 1) : line)
		val = eq ? trim(substr(line, eq + 1)) : ""
		has_val = eq > 0
	}
}

NR == FNR {
	if (kind == "option") {
		seen[key] = 1
		if (section == "global" && key == "ioengine")
			global_engine = 1
		if (section == "global" && (key == "runtime" || key == "timeout"))
			global_runtime = 1
		if (key == "size" || key == "filesize" || key == "io_size" || key == "fill_device")
			sized = 1
		if (key == "directory" && has_val)
			value(key, val)
	}
	next
}

kind == "section" {
	if (!extra_done && section != "global") {
		print "[global]"
		global_extra()
	}
	print trim($0)
	if (!extra_done)
		global_extra()
	next
}

kind == "option" {
	print has_val ? key "=" value(key, val) : key
	next
}

{ print }
