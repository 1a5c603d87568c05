# tests/fleet/lib.sh - what the fleet's test scripts share (after tests/lib.sh): real
# `fio --server` processes on loopback addresses, each stopped at exit (also on failure).

IODRILL=$TOP/iodrill
OLDFIO=$TOP/${BUILD:-build}/tests/bin/oldfio

# port_free ADDR PORT: nothing listens there (a connect is refused).
port_free() { ! (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# wait_listen ADDR PORT PID: up to 10 s for PID to accept connections at ADDR:PORT.
wait_listen()
{
	local i
	for i in $(seq 100); do
		kill -0 "$3" 2>/dev/null || return 1
		(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# start_server ADDR DIR [CMD...]: start `fio --server=ip:ADDR,PORT` (or CMD ADDR PORT) in its
# own session and process group, from DIR (a TARGET relative there is its own file), on a
# free port; prints "PORT PGID". The whole group is SIGKILLed at exit. Its output: DIR/server.log.
start_server()
{
	local addr=$1 dir=$2 port pid try
	shift 2
	for try in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 40000))
		port_free "$addr" "$port" || continue
		if [ $# -gt 0 ]; then
			(cd "$dir" && exec setsid "$@" "$addr" "$port" >>server.log 2>&1) &
		else
			(cd "$dir" && exec setsid "$FIO" --server="ip:$addr,$port" >>server.log 2>&1) &
		fi
		pid=$!
		at_exit "kill -9 -- -$pid; kill -9 $pid"
		if wait_listen "$addr" "$port" "$pid"; then
			echo "$port $pid"
			return 0
		fi
		kill -9 -- "-$pid" "$pid" 2>/dev/null
	done
	return 1
}

# stop_server PGID: SIGKILL the server's whole group now (a host that dies).
stop_server() { kill -9 -- "-$1" 2>/dev/null; kill -9 "$1" 2>/dev/null; }

# group_size PGID: how many processes are in the group.
group_size() { pgrep -g "$1" | wc -l; }
