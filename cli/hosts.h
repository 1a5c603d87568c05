/*
 * hosts.h - iodrill drill and tune on a fleet (--hosts FILE, or --host H more than once):
 * one iodrill per host, all at once, each driving its host through fio's own
 * client/server protocol (cli/run/fleet.h) and storing its host's run in the results
 * archive; their tables merged here into one, with a host column, one chart and one JSON.
 */
#ifndef IDR_CLI_HOSTS_H
#define IDR_CLI_HOSTS_H

struct idr_fleet;

/*
 * hosts_run - `iodrill COMMAND ARGS...` (command "drill" or "tune"; argv[0] is the command)
 * on every host of f. Returns the exit status: 0 when every host completed, 3 when some
 * did and some did not (the run is partial: each failed host has its line), 1 when none
 * did, 128 + N when signal N stopped it (every host is stopped first).
 */
int hosts_run(const char *command, int argc, char **argv, const struct idr_fleet *f);

#endif
