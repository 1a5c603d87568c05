/*
 * remote.h - what an engine sends back when it runs under `fio --server` (a fleet host).
 *
 * There the sidecar file would stay on the server, so a job that asks for one (sidecar=;
 * iodrill's fleet gives sidecar=/dev/null) also sends the same line through fio's own log:
 * log_info, which the server forwards to the client, where fio prints it prefixed "<server's
 * hostname> " ahead of its JSON output. With it goes where the job ran: the host's facts and the
 * target's device identity, computed on the server by the very code the results archive uses for a
 * local run (cli/archive/identity.c and prov.c, nvme/), so a remote run is filed exactly as a local
 * run on that host would be. The client (cli/run/fleet.c) finds the lines by these prefixes.
 * Nothing is sent outside a server, nor by a job without sidecar=: a local run's output and a plain
 * client's JSON are unchanged.
 *
 * No fio types.
 */
#ifndef IDR_CORE_REMOTE_H
#define IDR_CORE_REMOTE_H

#define IDR_REMOTE_SIDECAR "iodrill-sidecar: " /* then the sidecar line, as the file gets it */
#define IDR_REMOTE_WHERE "iodrill-where: "     /* then idr_remote_where_line's object */
#define IDR_REMOTE_FORMAT 1 /* of the where object: bump when a field changes meaning */

/*
 * idr_remote_where_line - IDR_REMOTE_WHERE and one JSON object on one line, for the job's
 * path (as the job named it):
 *   {"format": 1, "path": path, "host": {hostname, kernel, CPU, mitigations, ...},
 *    "target": {"type": "file"|"block"|"ngdev"|"other"|"missing", "realpath",
 *               "size_bytes", "direct", "fstype", "fsdev", "block_device",
 *               "generic_device"},
 *    "device": {the archive's identity: type, name, key, description, identity, facts}
 *    or "device_error": why it could not be identified}
 * Returns a malloc'd string ending in '\n', or NULL when out of memory.
 */
char *idr_remote_where_line(const char *path);

#endif
